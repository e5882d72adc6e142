import pino from "pino";

const holder = globalThis as unknown as { __tallyLog?: pino.Logger };

/**
 * Structured JSON logs. Anything that could carry a secret is redacted at the
 * source: authorization headers, signatures, passwords, tokens.
 */
export const log: pino.Logger =
  holder.__tallyLog ??
  (holder.__tallyLog = pino({
    level: process.env.LOG_LEVEL ?? "info",
    base: { process: process.env.TALLY_PROCESS_NAME ?? "tally" },
    redact: {
      paths: [
        "*.authorization",
        "*.password",
        "*.token",
        "*.secret",
        "headers.authorization",
        "headers.cookie",
        "headers['stripe-signature']",
      ],
      censor: "[redacted]",
    },
  }));
