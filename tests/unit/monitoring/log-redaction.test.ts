import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "@/lib/log";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger(stream);
  logger.level = "info";
  return { logger, output: () => lines.join("") };
}

const CARD = "4242424242424242";

describe("structured logs", () => {
  it("keep request ids, provider event ids and decisions as JSON fields", () => {
    const { logger, output } = capture();
    logger.info(
      { requestId: "req_1", provider: "stripe", events: ["evt_1"], decision: "duplicate" },
      "webhook",
    );
    const line = JSON.parse(output()) as Record<string, unknown>;
    expect(line).toMatchObject({
      requestId: "req_1",
      provider: "stripe",
      events: ["evt_1"],
      decision: "duplicate",
      msg: "webhook",
    });
  });

  it("redact secrets at any shallow depth", () => {
    const { logger, output } = capture();
    logger.warn(
      {
        headers: {
          authorization: "Bearer tok_live_secret",
          "stripe-signature": "t=1,v1=abcdef",
          cookie: "s=1",
        },
        password: "hunter2hunter2",
        config: { secret: "whsec_123456", apiKey: "key_abcdef" },
        request: { headers: { authorization: "Basic dXNlcjpwYXNz" } },
      },
      "secrets",
    );
    const text = output();
    for (const secret of [
      "tok_live_secret",
      "v1=abcdef",
      "hunter2hunter2",
      "whsec_123456",
      "key_abcdef",
      "dXNlcjpwYXNz",
      "s=1",
    ])
      expect(text).not.toContain(secret);
    expect(text).toContain("[redacted]");
  });

  it("never writes full card data, neither as fields nor inside messages", () => {
    const { logger, output } = capture();
    logger.error(
      {
        card: { number: CARD, cvc: "123", last4: "4242" },
        payload: { data: { object: { number: CARD } } },
        note: `charge failed for 4242 4242 4242 4242 and ${CARD}`,
      },
      `could not apply ${CARD}`,
    );
    const text = output();
    expect(text).not.toContain(CARD);
    expect(text).not.toContain("4242 4242 4242 4242");
    expect(text).not.toContain('"cvc":"123"');
    expect(text).toContain("[card …4242]");
    expect(JSON.parse(text)).toMatchObject({ card: { last4: "4242" } });
  });

  it("leaves ordinary numbers alone (ids, amounts, timestamps)", () => {
    const { logger, output } = capture();
    logger.info({ amount: 1234567890123 }, "event 1234567890123 at 1700000000000");
    expect(output()).toContain("event 1234567890123 at 1700000000000");
  });
});
