import "server-only";
import { and, count, eq, gt, inArray, lt } from "drizzle-orm";
import { db } from "@/db";
import { signInAttempts } from "@/db/schema";

export const SIGN_IN_WINDOW_MINUTES = 15;
/** Failed attempts allowed per e-mail, and per client address, within the window. */
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_IP = 20;

const emailKey = (email: string) => `email:${email.trim().toLowerCase()}`;
const ipKey = (ip: string) => `ip:${ip}`;

const windowStart = (now: Date) => new Date(now.getTime() - SIGN_IN_WINDOW_MINUTES * 60_000);

/** True when either the e-mail or the address has used up its failed attempts. */
export async function isSignInLimited({
  email,
  ip,
  now = new Date(),
}: {
  email: string;
  ip: string;
  now?: Date;
}) {
  const rows = await db
    .select({ key: signInAttempts.key, failures: count() })
    .from(signInAttempts)
    .where(
      and(
        inArray(signInAttempts.key, [emailKey(email), ipKey(ip)]),
        eq(signInAttempts.succeeded, false),
        gt(signInAttempts.at, windowStart(now)),
      ),
    )
    .groupBy(signInAttempts.key);
  const failures = new Map(rows.map((row) => [row.key, Number(row.failures)]));
  return (
    (failures.get(emailKey(email)) ?? 0) >= MAX_FAILURES_PER_EMAIL ||
    (failures.get(ipKey(ip)) ?? 0) >= MAX_FAILURES_PER_IP
  );
}

/** Records an attempt under both keys; a success clears the e-mail's failures. */
export async function recordSignInAttempt({
  email,
  ip,
  succeeded,
}: {
  email: string;
  ip: string;
  succeeded: boolean;
}) {
  await db.transaction(async (tx) => {
    if (succeeded) {
      await tx
        .delete(signInAttempts)
        .where(and(eq(signInAttempts.key, emailKey(email)), eq(signInAttempts.succeeded, false)));
    }
    await tx.insert(signInAttempts).values([
      { key: emailKey(email), succeeded },
      { key: ipKey(ip), succeeded },
    ]);
    // Keep the table small: nothing older than a day matters to the limit.
    await tx.delete(signInAttempts).where(lt(signInAttempts.at, new Date(Date.now() - 86_400_000)));
  });
}
