/** Calls a Next.js route handler the way the framework does, with a real Request. */
export async function callRoute<P extends Record<string, string>>(
  handler: (request: Request, context: { params: Promise<P> }) => Promise<Response>,
  input: {
    method?: string;
    path: string;
    params?: P;
    headers?: Record<string, string>;
    body?: string | Buffer;
    token?: string;
  },
): Promise<{ status: number; headers: Headers; text: string; json: () => unknown }> {
  const headers = new Headers(input.headers);
  if (input.token) headers.set("authorization", `Bearer ${input.token}`);
  const request = new Request(new URL(input.path, "http://tally.test"), {
    method: input.method ?? "GET",
    headers,
    body:
      typeof input.body === "string" || input.body === undefined ? input.body : new Uint8Array(input.body),
  });
  const response = await handler(request, { params: Promise.resolve(input.params ?? ({} as P)) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}
