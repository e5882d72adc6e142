"use client";

import { StackedSeriesChart, type StackedPoint } from "./stacked-series-chart";

export function VolumeByTypeChart({ points, keys }: { points: StackedPoint[]; keys: string[] }) {
  return (
    <StackedSeriesChart
      points={points}
      keys={keys}
      label="Events received over time, stacked by provider and type"
    />
  );
}
