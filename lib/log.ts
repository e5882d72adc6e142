import pino from "pino";
import { scrubCardNumbers } from "./card-data";
import { setting } from "./config";

const holder = globalThis as unknown as { __tallyLog?: pino.Logger };

/**
 * Everything that could carry a secret or cardholder data, wherever it sits
 * one or two levels down. Payloads and raw bodies are never logged whole:
 * they are provider data, and the event id says which one.
 */
const SECRET_KEYS = [
  "authorization",
  "cookie",
  "password",
  "token",
  "secret",
  "apiKey",
  "api_key",
  "clientSecret",
  "client_secret",
  "hmacKey",
  "hmacSignature",
  "signature",
  "rawBody",
  "raw_body",
  "payload",
  "cvc",
  "cvv",
  "card_number",
  "cardNumber",
  "pan",
];
export const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
  ...SECRET_KEYS.map((key) => `*.*.${key}`),
  "headers['stripe-signature']",
  "headers['x-api-key']",
  "*.headers['stripe-signature']",
  "card.number",
  "*.card.number",
];

// The logger exists before start-up checks the environment, which reports a bad LOG_LEVEL itself.
function logLevel(): string {
  try {
    return setting("LOG_LEVEL");
  } catch {
    return "info";
  }
}

/**
 * Structured JSON logs. Secrets are redacted by key; card numbers (13–19
 * digits passing the Luhn check) are masked inside any top-level string too,
 * since an error message can quote a payload.
 */
export function createLogger(destination?: pino.DestinationStream): pino.Logger {
  return pino(
    {
      level: logLevel(),
      base: { process: setting("TALLY_PROCESS_NAME") },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      formatters: {
        log: (object) =>
          Object.fromEntries(
            Object.entries(object).map(([key, value]) => [
              key,
              typeof value === "string" ? scrubCardNumbers(value) : value,
            ]),
          ),
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((arg) => (typeof arg === "string" ? scrubCardNumbers(arg) : arg));
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

export const log: pino.Logger = holder.__tallyLog ?? (holder.__tallyLog = createLogger());
