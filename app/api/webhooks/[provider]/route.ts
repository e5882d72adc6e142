import { receiveWebRequest } from "@/lib/inbox/web";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ provider: string }> };

async function handle(request: Request, { params }: Context): Promise<Response> {
  const { provider } = await params;
  return receiveWebRequest({ providerName: provider, request });
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
