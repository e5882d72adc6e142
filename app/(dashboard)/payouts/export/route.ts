import { NextResponse } from "next/server";
import { hasRole } from "@/lib/auth/roles";
import { currentUser } from "@/lib/auth/session";
import { settlementCsv } from "@/lib/reconciliation/exports";
import { currentMonth } from "@/lib/reconciliation/settlement";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const user = await currentUser();
  if (!user) return NextResponse.json({ error: "Sign in first" }, { status: 401 });
  if (!hasRole(user.role, "finance"))
    return NextResponse.json({ error: "Reports need the finance role" }, { status: 403 });
  const requested = new URL(request.url).searchParams.get("month") ?? "";
  const month = /^\d{4}-\d{2}$/.test(requested) ? requested : currentMonth();
  return new Response(await settlementCsv({ month }), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="settlement-${month}.csv"`,
      "cache-control": "no-store",
    },
  });
}
