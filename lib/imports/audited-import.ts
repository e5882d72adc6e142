import "server-only";
import type { z } from "zod";
import type { Transaction } from "@/db";
import { auditedChange, type AuditNote } from "@/lib/audit/mutation";
import { requireRole } from "@/lib/auth/authorize";
import type { Principal } from "@/lib/auth/principal";
import type { Role } from "@/lib/auth/roles";
import { AppError, parseOrThrow } from "@/lib/errors";
import { trackImport, type ImportKind, type ImportTracker } from "./progress";
import type { Upload } from "./upload";

/** What an import is asked to do: who asks, the file as it arrives, its options as sent. */
export type ImportRequest = { principal: Principal; upload: Upload; options?: unknown };

/**
 * An uploaded file imported as one audited change whose progress is on its
 * `imports` row. Role, options and an empty upload are refused before the
 * import is recorded at all, so a request that could never succeed leaves no
 * failed import behind; auditedChange checks role and options again as it
 * opens the transaction the whole file streams into.
 */
export async function auditedImport<S extends z.ZodType, R extends Record<string, unknown>>({
  principal,
  role,
  kind,
  upload,
  schema,
  options,
  optionsName,
  emptyMessage,
  change,
}: ImportRequest & {
  role: Role;
  kind: ImportKind;
  schema: S;
  /** How an error names the options: "statement options". */
  optionsName: string;
  /** The 400 for a body with nothing in it. */
  emptyMessage: string;
  change: (context: {
    tx: Transaction;
    options: z.output<S>;
    tracker: ImportTracker;
  }) => Promise<{ result: R; audit: AuditNote }>;
}) {
  requireRole(principal, role);
  parseOrThrow(schema, options ?? {}, optionsName);
  if (upload.bytesTotal === 0) throw new AppError("bad_request", emptyMessage);

  return trackImport({ principal, kind, bytesTotal: upload.bytesTotal }, (tracker) =>
    auditedChange({
      principal,
      role,
      schema,
      input: options ?? {},
      change: ({ tx, input }) => change({ tx, options: input, tracker }),
    }),
  );
}
