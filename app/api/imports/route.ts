import { dashboardImports } from "@/lib/imports/dashboard-routes";

export const dynamic = "force-dynamic";

export const GET = () => dashboardImports();
