import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A local Slack-compatible webhook: records every `{"text": ...}` posted to it. */
export async function startAlertSink() {
  const posts: string[] = [];
  let failNext = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (failNext > 0) {
        failNext -= 1;
        response.writeHead(500).end("down");
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { text: string };
      posts.push(body.text);
      response.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/alerts`,
    posts,
    /** Posts containing `needle`, e.g. a rule's heading. */
    matching: (needle: string) => posts.filter((text) => text.includes(needle)),
    failNextPosts: (count: number) => {
      failNext = count;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
