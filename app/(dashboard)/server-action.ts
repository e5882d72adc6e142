import "server-only";
import { revalidatePath } from "next/cache";
import type { z } from "zod";
import { requireRole } from "@/lib/auth/authorize";
import type { Principal } from "@/lib/auth/principal";
import type { Role } from "@/lib/auth/roles";
import { currentPrincipal } from "@/lib/auth/session";
import { isAppError, parseOrThrow } from "@/lib/errors";
import { log } from "@/lib/log";

export type ActionResult<T = undefined> =
  { ok: true; data: T; message?: string } | { ok: false; error: string };

/**
 * Every dashboard server action, in the fixed order: the signed-in user
 * must have the role (an action can be called without its page, so it
 * checks for itself) → the input is validated → the work runs (lib/ makes
 * the change and its audit row in one transaction, checking the role again)
 * → the pages it changed are revalidated. An AppError becomes a message
 * users can act on; anything else is logged and not shown.
 */
export function serverAction<S extends z.ZodType, T>(
  spec: { role: Role; input: S; revalidate?: (input: z.output<S>) => string[] },
  work: (args: { principal: Principal; input: z.output<S> }) => Promise<{ data: T; message?: string }>,
): (input: z.input<S>) => Promise<ActionResult<T>> {
  return async (raw) => {
    try {
      const principal = requireRole(await currentPrincipal(), spec.role);
      const input = parseOrThrow(spec.input, raw);
      const { data, message } = await work({ principal, input });
      for (const path of spec.revalidate?.(input) ?? []) revalidatePath(path);
      return { ok: true, data, message };
    } catch (error) {
      if (isAppError(error)) return { ok: false, error: error.message };
      log.error({ err: error }, "dashboard action failed");
      return { ok: false, error: "Something went wrong; the details are in the server log." };
    }
  };
}
