import { dashboardImports } from "@/lib/reconciliation/import-routes";

export const dynamic = "force-dynamic";

export const GET = () => dashboardImports();
