"use client";

import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { SERIES_COLORS, timeTickFormatter } from "./axis";

export type StackedPoint = { t: number } & Record<string, number>;

/** The shared body of the volume charts: one stacked area per key over time. */
export function StackedSeriesChart({
  points,
  keys,
  colors,
  label,
}: {
  points: StackedPoint[];
  keys: string[];
  colors?: Record<string, string>;
  label: string;
}) {
  const span = points.length > 1 ? points.at(-1)!.t - points[0]!.t : 0;
  const format = timeTickFormatter(span);
  return (
    <div role="img" aria-label={label} className="h-64 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
          <XAxis
            dataKey="t"
            type="number"
            domain={["dataMin", "dataMax"]}
            scale="time"
            tickFormatter={format}
            fontSize={11}
          />
          <YAxis allowDecimals={false} fontSize={11} width={40} />
          <Tooltip
            labelFormatter={(value) =>
              new Date(Number(value)).toISOString().replace("T", " ").slice(0, 16) + " UTC"
            }
          />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {keys.map((key, index) => {
            const color = colors?.[key] ?? SERIES_COLORS[index % SERIES_COLORS.length];
            return (
              <Area
                key={key}
                type="monotone"
                dataKey={key}
                stackId="1"
                stroke={color}
                fill={color}
                fillOpacity={0.35}
                isAnimationActive={false}
              />
            );
          })}
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
