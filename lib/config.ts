import { isIP } from "node:net";
import { z } from "zod";

/**
 * Every environment variable Tally reads, validated in one place.
 * A bad value stops start-up with one line naming the variable.
 */
const commaList = z.string().transform((value) =>
  value
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean),
);

function isIpOrCidr(range: string): boolean {
  const [address = "", prefix, extra] = range.split("/");
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

const flag = z.enum(["0", "1"]).transform((value) => value === "1");
const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ error: `must be a whole number from ${min} to ${max}` })
    .int(`must be a whole number from ${min} to ${max}`)
    .min(min, `must be a whole number from ${min} to ${max}`)
    .max(max, `must be a whole number from ${min} to ${max}`);
const positiveInt = integer(1);

const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  DATA_DIR: z.string().min(1).default(".data"),
  PORT: integer(1, 65535).default(3000),
  /** `npm run receiver`'s port. */
  RECEIVER_PORT: integer(1, 65535).default(3001),
  AUTH_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  AUTH_URL: z.url().optional(),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(8, "must be at least 8 characters").optional(),
  API_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  METRICS_TOKEN: z.string().min(8).optional(),
  STRIPE_WEBHOOK_SECRET: commaList.optional(),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_/, "must start with sk_ or rk_")
    .optional(),
  STRIPE_API_BASE: z.url().optional(),
  MANGOPAY_CLIENT_ID: z.string().min(1).optional(),
  MANGOPAY_API_KEY: z.string().min(1).optional(),
  MANGOPAY_BASE_URL: z.url().optional(),
  MANGOPAY_ALLOWED_IPS: commaList
    .refine((ranges) => ranges.every(isIpOrCidr), "must be IP addresses or CIDR ranges, comma-separated")
    .optional(),
  MANGOPAY_WEBHOOK_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,200}$/, "must be 16-200 URL-safe characters (A-Z a-z 0-9 _ -)")
    .optional(),
  ADYEN_HMAC_KEYS: commaList
    .refine(
      (keys) => keys.every((key) => /^([0-9a-fA-F]{2})+$/.test(key)),
      "must be hex keys, comma-separated",
    )
    .optional(),
  ADYEN_WEBHOOK_USERNAME: z.string().min(1).optional(),
  ADYEN_WEBHOOK_PASSWORD: z.string().min(1).optional(),
  SIMULATE: flag.optional(),
  WORKER: z.enum(["on", "off"]).default("on"),
  // How far a worker process lowers its CPU priority (nice 0-19) so acknowledgements win a contended core.
  WORKER_NICE: integer(0, 19).default(10),
  ALERT_WEBHOOK_URL: z.url().optional(),
  RETENTION_DAYS: positiveInt.default(90),
  PROCESSING_MAX_ATTEMPTS: positiveInt.default(8),
  PROCESSING_BACKOFF_MS: integer(0).default(10_000),
  VERIFY_VIA_API: flag.default(false),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATABASE_POOL_MAX: integer(1, 1000).default(10),
  // Optional single sign-on through an OpenID Connect issuer (all three, or none).
  AUTH_OIDC_ISSUER: z.url().optional(),
  AUTH_OIDC_ID: z.string().min(1).optional(),
  AUTH_OIDC_SECRET: z.string().min(1).optional(),
  AUTH_OIDC_NAME: z.string().min(1).max(60).default("Single sign-on"),
  // Set by Tally's own processes for each other, not by operators:
  /** How this process names itself in logs and in pg_stat_activity. */
  TALLY_PROCESS_NAME: z.string().min(1).max(60).default("tally"),
  /** Where the production build lives (tests and benchmarks build beside the default). */
  NEXT_DIST_DIR: z.string().min(1).default(".next"),
  /** Sandbox mode: the badge, and the demo admin shown on the login page. */
  TALLY_SANDBOX: flag.default(false),
  TALLY_DEMO_EMAIL: z.email().optional(),
  TALLY_DEMO_PASSWORD: z.string().min(1).optional(),
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
    this.name = "ConfigError";
  }
}

export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(
    Object.keys(schema.shape).map((key) => [key, env[key] === "" ? undefined : env[key]]),
  );
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const variable = String(issue.path[0] ?? "environment");
    // Never echo a secret back, even a malformed one.
    const got = SECRET_VARIABLES.has(variable) ? "" : ` (got ${JSON.stringify(env[variable] ?? "")})`;
    throw new ConfigError(variable, `${issue.message}${got}`);
  }
  const config = result.data;
  if (config.ADMIN_EMAIL && !config.ADMIN_PASSWORD) {
    throw new ConfigError("ADMIN_PASSWORD", "is required when ADMIN_EMAIL is set");
  }
  if (config.ADYEN_WEBHOOK_USERNAME && !config.ADYEN_WEBHOOK_PASSWORD) {
    throw new ConfigError("ADYEN_WEBHOOK_PASSWORD", "is required when ADYEN_WEBHOOK_USERNAME is set");
  }
  const oidc = [config.AUTH_OIDC_ISSUER, config.AUTH_OIDC_ID, config.AUTH_OIDC_SECRET];
  if (oidc.some(Boolean) && !oidc.every(Boolean)) {
    throw new ConfigError(
      "AUTH_OIDC_ISSUER",
      "AUTH_OIDC_ISSUER, AUTH_OIDC_ID and AUTH_OIDC_SECRET go together",
    );
  }
  return config;
}

const SECRET_VARIABLES = new Set([
  "AUTH_SECRET",
  "ADMIN_PASSWORD",
  "API_TOKEN",
  "METRICS_TOKEN",
  "STRIPE_WEBHOOK_SECRET",
  "STRIPE_SECRET_KEY",
  "MANGOPAY_API_KEY",
  "MANGOPAY_WEBHOOK_TOKEN",
  "ADYEN_HMAC_KEYS",
  "ADYEN_WEBHOOK_PASSWORD",
  "DATABASE_URL",
  "AUTH_OIDC_SECRET",
  "TALLY_DEMO_PASSWORD",
]);

let cached: { env: NodeJS.ProcessEnv; config: Config } | undefined;

/** The validated configuration of this process (re-read if the environment object changes). */
export function config(): Config {
  if (!cached || cached.env !== process.env) cached = { env: process.env, config: parseConfig() };
  return cached.config;
}

const settings = new Map<string, { raw: string | undefined; value: unknown }>();

/**
 * One variable, by the same rule as config(), read afresh on every call: for
 * what is read before start-up has checked the environment (the logger) or
 * changes under a running process (start-up points DATABASE_URL at the
 * embedded database it just started). Throws a ConfigError for a bad value.
 */
export function setting<K extends keyof Config>(name: K): Config[K] {
  const raw = process.env[name] === "" ? undefined : process.env[name];
  const known = settings.get(name);
  if (known && known.raw === raw) return known.value as Config[K];
  const result = schema.shape[name].safeParse(raw);
  if (!result.success) throw new ConfigError(name, result.error.issues[0]?.message ?? "invalid");
  settings.set(name, { raw, value: result.data });
  return result.data as Config[K];
}

/** True when any provider credential is configured (sandbox mode is then off by default). */
export function hasProviderCredentials(c: Config): boolean {
  return Boolean(
    c.STRIPE_WEBHOOK_SECRET?.length ||
    c.STRIPE_SECRET_KEY ||
    c.MANGOPAY_CLIENT_ID ||
    c.MANGOPAY_API_KEY ||
    c.ADYEN_HMAC_KEYS?.length,
  );
}
