import { receiveWebhook } from "@/lib/inbox/receive";
import { observeWebhookReply } from "@/lib/inbox/process-metrics";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ provider: string }> };

async function handle(request: Request, { params }: Context): Promise<Response> {
  const { provider } = await params;
  const remoteAddr = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || undefined;
  const started = performance.now();
  const response = await receiveWebhook({ providerName: provider, request, remoteAddr });
  observeWebhookReply({ provider, status: response.status, seconds: (performance.now() - started) / 1000 });
  return response;
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
