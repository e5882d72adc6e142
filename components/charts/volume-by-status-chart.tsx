"use client";

import { STATUS_COLORS } from "./axis";
import { StackedSeriesChart, type StackedPoint } from "./stacked-series-chart";

export function VolumeByStatusChart({ points, keys }: { points: StackedPoint[]; keys: string[] }) {
  return (
    <StackedSeriesChart
      points={points}
      keys={keys}
      colors={STATUS_COLORS}
      label="Events received over time, stacked by status"
    />
  );
}
