import { isAppError } from "@/lib/errors";
import { log } from "@/lib/log";

export type ActionResult<T = undefined> =
  { ok: true; data: T; message?: string } | { ok: false; error: string };

/** Runs a server action body, turning AppErrors into messages users can act on and hiding the rest. */
export async function runAction<T>(
  work: () => Promise<{ data: T; message?: string }>,
): Promise<ActionResult<T>> {
  try {
    const { data, message } = await work();
    return { ok: true, data, message };
  } catch (error) {
    if (isAppError(error)) return { ok: false, error: error.message };
    log.error({ err: error }, "dashboard action failed");
    return { ok: false, error: "Something went wrong; the details are in the server log." };
  }
}
