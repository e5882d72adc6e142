"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { SERIES_COLORS, timeTickFormatter } from "./axis";
import type { StackedPoint } from "./stacked-series-chart";

export function RejectedDeliveriesChart({ points, keys }: { points: StackedPoint[]; keys: string[] }) {
  const span = points.length > 1 ? points.at(-1)!.t - points[0]!.t : 0;
  return (
    <div
      role="img"
      aria-label="Rejected webhook deliveries over time, by provider and reason"
      className="h-56 w-full"
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
          <XAxis dataKey="t" tickFormatter={timeTickFormatter(span)} fontSize={11} />
          <YAxis allowDecimals={false} fontSize={11} width={40} />
          <Tooltip
            labelFormatter={(value) =>
              new Date(Number(value)).toISOString().replace("T", " ").slice(0, 16) + " UTC"
            }
          />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {keys.map((key, index) => (
            <Bar
              key={key}
              dataKey={key}
              stackId="1"
              fill={SERIES_COLORS[(index + 3) % SERIES_COLORS.length]}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
