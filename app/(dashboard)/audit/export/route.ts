import { hasRole } from "@/lib/auth/roles";
import { currentUser } from "@/lib/auth/session";
import { exportAuditCsv, parseAuditQuery } from "@/lib/dashboard/audit";

export const dynamic = "force-dynamic";

/** The filtered audit log as a CSV download, for signed-in users (checked here, not only by the proxy). */
export async function GET(request: Request) {
  const user = await currentUser();
  if (!user) return Response.json({ error: "Sign in first" }, { status: 401 });
  if (!hasRole(user.role, "viewer")) return Response.json({ error: "Forbidden" }, { status: 403 });
  const query = parseAuditQuery(Object.fromEntries(new URL(request.url).searchParams));
  const csv = await exportAuditCsv({ query });
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="tally-audit-${stamp}.csv"`,
      "cache-control": "no-store",
    },
  });
}
