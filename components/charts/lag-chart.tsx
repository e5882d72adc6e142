"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatDuration } from "@/components/ui/format";
import { timeTickFormatter } from "./axis";

export type LagPoint = { t: number; p50: number | null; p95: number | null; p99: number | null };

export function LagChart({ points }: { points: LagPoint[] }) {
  const span = points.length > 1 ? points.at(-1)!.t - points[0]!.t : 0;
  return (
    <div role="img" aria-label="Processing lag percentiles (p50, p95, p99) over time" className="h-64 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
          <XAxis
            dataKey="t"
            type="number"
            domain={["dataMin", "dataMax"]}
            scale="time"
            tickFormatter={timeTickFormatter(span)}
            fontSize={11}
          />
          <YAxis fontSize={11} width={56} tickFormatter={(value: number) => formatDuration(value)} />
          <Tooltip
            formatter={(value) => formatDuration(typeof value === "number" ? value : null)}
            labelFormatter={(value) =>
              new Date(Number(value)).toISOString().replace("T", " ").slice(0, 16) + " UTC"
            }
          />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          <Line
            type="monotone"
            dataKey="p50"
            stroke="#10b981"
            dot={{ r: 2 }}
            connectNulls
            isAnimationActive={false}
          />
          <Line
            type="monotone"
            dataKey="p95"
            stroke="#f59e0b"
            dot={{ r: 2 }}
            connectNulls
            isAnimationActive={false}
          />
          <Line
            type="monotone"
            dataKey="p99"
            stroke="#ef4444"
            dot={{ r: 2 }}
            connectNulls
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
