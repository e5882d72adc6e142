"use server";

import { z } from "zod";
import { enqueueRun } from "@/lib/reconciliation/runs";
import { serverAction } from "../server-action";

// The form's datetime-local values are UTC, like every time the dashboard shows.
const utc = (value: string) => (/Z|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`);

export const startRunAction = serverAction(
  {
    role: "finance",
    input: z.object({ provider: z.string(), kind: z.string(), from: z.string(), to: z.string() }),
    revalidate: () => ["/reconciliation"],
  },
  async ({ principal, input }) => {
    const { id } = await enqueueRun({
      principal,
      provider: input.provider,
      kind: input.kind,
      from: utc(input.from),
      to: utc(input.to),
    });
    return { data: { id }, message: `Run #${id} queued.` };
  },
);
