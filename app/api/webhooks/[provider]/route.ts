import { receiveWebhook } from "@/lib/inbox/receive";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ provider: string }> };

async function handle(request: Request, { params }: Context): Promise<Response> {
  const { provider } = await params;
  const remoteAddr = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || undefined;
  return receiveWebhook({ providerName: provider, request, remoteAddr });
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
