import "server-only";
import { currentPrincipal } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { responseForError } from "@/lib/http/respond";
import { importAdyenSettlementReport } from "./adyen/report-import";
import { importBankStatement } from "./bank/import";
import { listRecentImports } from "@/lib/imports/queries";
import { uploadOf } from "@/lib/imports/upload";

/**
 * The dashboard's upload and progress endpoints. They sit outside /api/v1
 * (Bearer tokens only) because the browser holds a session instead; and
 * outside the page proxy, which would buffer (and cut off) a large upload.
 */
const IMPORTERS = {
  "bank-statement": importBankStatement,
  "adyen-report": importAdyenSettlementReport,
} as const;

/**
 * A session cookie rides along on cross-site requests too: only the
 * dashboard's own pages may start an import (what Next.js checks for server
 * actions).
 */
function assertSameOrigin(request: Request) {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null) {
    if (site !== "same-origin") throw new AppError("forbidden", "Imports start from Tally's own pages");
    return;
  }
  const origin = request.headers.get("origin");
  if (origin === null) return;
  const host = request.headers.get("x-forwarded-host")?.split(",")[0]?.trim() || request.headers.get("host");
  let originHost: string | null = null;
  try {
    originHost = new URL(origin).host;
  } catch {
    // Unparseable: refused below.
  }
  if (originHost !== host) throw new AppError("forbidden", "Imports start from Tally's own pages");
}

/** POST /api/imports/{bank-statement|adyen-report}?currency=&from=&to=: the CSV streams as the body. */
export async function dashboardImport(request: Request, kind: string): Promise<Response> {
  try {
    const importer = IMPORTERS[kind as keyof typeof IMPORTERS];
    if (!importer) throw new AppError("not_found", `Nothing imports "${kind}"`);
    const options = Object.fromEntries(new URL(request.url).searchParams);
    const principal = await currentPrincipal();
    if (!principal) throw new AppError("unauthorized", "Sign in first");
    assertSameOrigin(request);
    const result = await importer({ principal, upload: uploadOf(request), options });
    return Response.json(result, { status: 201 });
  } catch (error) {
    return responseForError(error, { route: "/api/imports" });
  }
}

/** GET /api/imports: imports running now and recently finished, for the progress display. */
export async function dashboardImports(): Promise<Response> {
  try {
    const data = await listRecentImports({ principal: await currentPrincipal() });
    return Response.json({ data }, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return responseForError(error, { route: "/api/imports" });
  }
}
