import type { RunKind } from "@/db/schema";

export type Occurrence = { key: string; kind: RunKind; from: Date; to: Date };

const DAY = 86_400_000;
const utcMidnight = (time: number) => {
  const date = new Date(time);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
};
const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);

/**
 * The scheduled runs due at `now` (UTC): yesterday (all checks), last ISO
 * week (transactions) and last month (settlement). Keys name the period, so
 * each is claimed once however many processes ask.
 */
export function dueOccurrences(now: Date): Occurrence[] {
  const today = utcMidnight(now.getTime());
  const weekday = (new Date(today).getUTCDay() + 6) % 7;
  const thisMonday = today - weekday * DAY;
  const date = new Date(today);
  const thisMonth = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  const lastMonth = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - 1, 1);
  return [
    { key: `daily:${isoDay(today - DAY)}`, kind: "all", from: new Date(today - DAY), to: new Date(today) },
    {
      key: `weekly:${isoDay(thisMonday - 7 * DAY)}`,
      kind: "transactions",
      from: new Date(thisMonday - 7 * DAY),
      to: new Date(thisMonday),
    },
    {
      key: `monthly:${isoDay(lastMonth).slice(0, 7)}`,
      kind: "settlement",
      from: new Date(lastMonth),
      to: new Date(thisMonth),
    },
  ];
}
