import { getStats } from "@/lib/dashboard/stats";
import { apiRoute } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ role: "viewer" }, async () => Response.json(await getStats()));
