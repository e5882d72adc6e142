import "server-only";
import { and, eq, gt, isNotNull, isNull, lt, sql } from "drizzle-orm";
import { db } from "@/db";
import { alertFirings, type AlertFiring, type AlertRule } from "@/db/schema";
import { log } from "@/lib/log";
import { firingText, resolvedText } from "./messages";
import { postAlert } from "./notify";
import { ALERT_RULE_CHECKS } from "./rules";
import type { Observation } from "./rules/types";
import { getAlertThresholds } from "./settings";

// Resolutions older than this are not announced any more (e.g. the alert URL was down all day).
const RESOLVED_NOTICE_MAX_AGE_MS = 24 * 3_600_000;

const keyOf = (rule: string, subject: string) => `${rule}\u0000${subject}`;

export type EvaluationSummary = {
  firing: number;
  opened: number;
  resolved: number;
  posted: number;
  failedRules: AlertRule[];
};

/**
 * One evaluation pass: run every rule, open/update/resolve firings, then post
 * what is due. Meant to run in one process at a time (a singleton job); the
 * open-firing unique index backs that up.
 */
export async function evaluateAlerts(): Promise<EvaluationSummary> {
  const thresholds = await getAlertThresholds();
  const failedRules: AlertRule[] = [];
  const observations: Observation[] = [];
  for (const rule of ALERT_RULE_CHECKS) {
    try {
      observations.push(...(await rule.check(thresholds)));
    } catch (err) {
      // A broken rule must not resolve its own open alerts nor stop the others.
      failedRules.push(rule.rule);
      log.error({ err, rule: rule.rule }, "alert rule failed");
    }
  }

  const now = new Date();
  const cooldownStart = new Date(now.getTime() - thresholds.cooldownMinutes * 60_000);
  const open = await db.select().from(alertFirings).where(isNull(alertFirings.resolvedAt));
  const openByKey = new Map(open.map((firing) => [keyOf(firing.rule, firing.subject), firing]));
  const observed = new Set<string>();
  let opened = 0;
  let resolved = 0;

  for (const observation of observations) {
    const key = keyOf(observation.rule, observation.subject);
    observed.add(key);
    const existing = openByKey.get(key);
    if (existing) {
      await db
        .update(alertFirings)
        .set({
          count: observation.count,
          summary: observation.summary,
          link: observation.link,
          lastSeenAt: now,
        })
        .where(eq(alertFirings.id, existing.id));
      continue;
    }
    const recentlyNotified = await db
      .select({ id: alertFirings.id })
      .from(alertFirings)
      .where(
        and(
          eq(alertFirings.rule, observation.rule),
          eq(alertFirings.subject, observation.subject),
          gt(alertFirings.notifiedAt, cooldownStart),
        ),
      )
      .limit(1);
    const inserted = await db
      .insert(alertFirings)
      .values({
        rule: observation.rule,
        subject: observation.subject,
        count: observation.count,
        summary: observation.summary,
        link: observation.link,
        startedAt: now,
        since: observation.since ?? now,
        lastSeenAt: now,
        suppressed: recentlyNotified.length > 0,
      })
      .onConflictDoNothing()
      .returning({ id: alertFirings.id });
    opened += inserted.length;
    if (inserted.length) log.warn({ rule: observation.rule, subject: observation.subject }, "alert firing");
  }

  for (const firing of open) {
    if (observed.has(keyOf(firing.rule, firing.subject)) || failedRules.includes(firing.rule)) continue;
    await db
      .update(alertFirings)
      .set({ resolvedAt: now })
      .where(and(eq(alertFirings.id, firing.id), isNull(alertFirings.resolvedAt)));
    resolved += 1;
    log.info({ rule: firing.rule, subject: firing.subject }, "alert resolved");
  }

  const posted = await deliverNotifications({ now, cooldownStart });
  return { firing: observed.size, opened, resolved, posted, failedRules };
}

/**
 * Posts what is due: new firings (unless suppressed by the cooldown), a
 * reminder when a firing has grown since its last post and the cooldown has
 * passed, and a resolution for every firing that was announced. A failed post
 * leaves the row as it was, so the next evaluation tries again.
 */
async function deliverNotifications({ now, cooldownStart }: { now: Date; cooldownStart: Date }) {
  let posted = 0;
  const announce = async (firing: AlertFiring, text: string, done: Partial<AlertFiring>) => {
    if (!(await postAlert({ text }))) return;
    await db.update(alertFirings).set(done).where(eq(alertFirings.id, firing.id));
    posted += 1;
  };

  const due = await db
    .select()
    .from(alertFirings)
    .where(and(isNull(alertFirings.resolvedAt), eq(alertFirings.suppressed, false)));
  for (const firing of due) {
    if (!firing.notifiedAt) {
      await announce(firing, firingText(firing), { notifiedAt: now, notifiedCount: firing.count });
    } else if (firing.notifiedAt < cooldownStart && firing.count > (firing.notifiedCount ?? 0)) {
      await announce(firing, firingText(firing, { reminder: true }), {
        notifiedAt: now,
        notifiedCount: firing.count,
      });
    }
  }

  const cleared = await db
    .select()
    .from(alertFirings)
    .where(
      and(
        isNotNull(alertFirings.resolvedAt),
        isNotNull(alertFirings.notifiedAt),
        isNull(alertFirings.resolvedNotifiedAt),
        gt(alertFirings.resolvedAt, new Date(now.getTime() - RESOLVED_NOTICE_MAX_AGE_MS)),
      ),
    );
  for (const firing of cleared) await announce(firing, resolvedText(firing), { resolvedNotifiedAt: now });
  return posted;
}

/** Keeps the alert history bounded: resolved firings older than `days`. */
export async function pruneAlertHistory({ days }: { days: number }): Promise<number> {
  const deleted = await db
    .delete(alertFirings)
    .where(
      and(
        isNotNull(alertFirings.resolvedAt),
        lt(alertFirings.resolvedAt, sql`now() - make_interval(days => ${days})`),
      ),
    )
    .returning({ id: alertFirings.id });
  return deleted.length;
}
