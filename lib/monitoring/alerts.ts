import "server-only";
import { asc, isNull } from "drizzle-orm";
import { db } from "@/db";
import { alertFirings, type AlertRule } from "@/db/schema";
import { log } from "@/lib/log";
import { ALERT_RULE_TITLES } from "./rule-titles";

export type FiringAlert = {
  id: number;
  rule: AlertRule;
  title: string;
  subject: string;
  summary: string;
  count: number;
  since: string;
  /** Path inside the dashboard (the stored link is absolute, for chat messages). */
  path: string;
};

const pathOf = (link: string) => {
  try {
    const url = new URL(link);
    return `${url.pathname}${url.search}`;
  } catch {
    return "/";
  }
};

/** Alerts firing now, oldest first. Empty (never throws) when the database cannot say. */
export async function firingAlerts(): Promise<FiringAlert[]> {
  try {
    const rows = await db
      .select()
      .from(alertFirings)
      .where(isNull(alertFirings.resolvedAt))
      .orderBy(asc(alertFirings.startedAt));
    return rows.map((row) => ({
      id: row.id,
      rule: row.rule,
      title: ALERT_RULE_TITLES[row.rule] ?? row.rule,
      subject: row.subject,
      summary: row.summary,
      count: row.count,
      since: row.since.toISOString(),
      path: pathOf(row.link),
    }));
  } catch (err) {
    log.warn({ err }, "could not read firing alerts");
    return [];
  }
}
