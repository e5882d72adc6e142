import { isDatabaseUnavailable } from "@/lib/errors";
import { errorResponse } from "@/lib/http/respond";
import { log } from "@/lib/log";
import { renderMetrics } from "@/lib/monitoring/metrics";
import { metricsRequestAllowed } from "@/lib/monitoring/metrics-auth";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  if (!metricsRequestAllowed({ authorization: request.headers.get("authorization") }))
    return errorResponse(401, "A valid METRICS_TOKEN bearer token is required", {
      "www-authenticate": 'Bearer realm="metrics"',
    });
  try {
    const { body, contentType } = await renderMetrics();
    return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
  } catch (err) {
    if (isDatabaseUnavailable(err)) return errorResponse(503, "The database cannot be reached");
    log.error({ err }, "metrics failed");
    return errorResponse(500, "Internal error");
  }
}
