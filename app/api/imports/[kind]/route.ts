import { dashboardImport } from "@/lib/reconciliation/import-routes";

export const dynamic = "force-dynamic";

export async function POST(request: Request, { params }: { params: Promise<{ kind: string }> }) {
  return dashboardImport(request, (await params).kind);
}
