import { NextResponse } from "next/server";
import { hasRole } from "@/lib/auth/roles";
import { currentUser } from "@/lib/auth/session";
import { discrepanciesCsv } from "@/lib/reconciliation/exports";
import { discrepancyFiltersFrom } from "@/lib/reconciliation/page-query";

export const dynamic = "force-dynamic";

/** The exceptions as CSV, with the page's filters (finance exports reports). */
export async function GET(request: Request) {
  const user = await currentUser();
  if (!user) return NextResponse.json({ error: "Sign in first" }, { status: 401 });
  if (!hasRole(user.role, "finance"))
    return NextResponse.json({ error: "Exports need the finance role" }, { status: 403 });
  const { page: _page, ...filters } = discrepancyFiltersFrom(
    Object.fromEntries(new URL(request.url).searchParams),
  );
  const csv = await discrepanciesCsv(filters);
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="discrepancies-${new Date().toISOString().slice(0, 10)}.csv"`,
      "cache-control": "no-store",
    },
  });
}
