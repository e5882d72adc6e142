import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig, setting } from "@/lib/config";

function errorOf(env: Record<string, string>) {
  try {
    parseConfig(env);
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error("expected a configuration error");
}

describe("configuration", () => {
  it("has working defaults with nothing set", () => {
    const config = parseConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.DATA_DIR).toBe(".data");
    expect(config.PROCESSING_MAX_ATTEMPTS).toBe(8);
    expect(config.PROCESSING_BACKOFF_MS).toBe(10_000);
  });

  it("splits comma-separated secrets for rotation", () => {
    expect(parseConfig({ STRIPE_WEBHOOK_SECRET: "whsec_a, whsec_b" }).STRIPE_WEBHOOK_SECRET).toEqual([
      "whsec_a",
      "whsec_b",
    ]);
  });

  it("names the offending variable in one line", () => {
    const error = errorOf({ PORT: "eighty" });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.variable).toBe("PORT");
    expect(error.message).toMatch(/^PORT: .*\(got "eighty"\)$/);
    expect(error.message).not.toContain("\n");
  });

  it("never echoes a secret value", () => {
    const error = errorOf({ ADYEN_HMAC_KEYS: "not-hex-secret" });
    expect(error.variable).toBe("ADYEN_HMAC_KEYS");
    expect(error.message).not.toContain("not-hex-secret");
  });

  it("rejects malformed URLs and dependent settings", () => {
    expect(errorOf({ DATABASE_URL: "mysql://x" }).variable).toBe("DATABASE_URL");
    expect(errorOf({ ADMIN_EMAIL: "ops@example.com" }).variable).toBe("ADMIN_PASSWORD");
    expect(errorOf({ SIMULATE: "yes" }).variable).toBe("SIMULATE");
  });

  it("asks for single sign-on settings together", () => {
    expect(errorOf({ AUTH_OIDC_ISSUER: "https://id.example.com" }).variable).toBe("AUTH_OIDC_ISSUER");
    expect(
      parseConfig({
        AUTH_OIDC_ISSUER: "https://id.example.com",
        AUTH_OIDC_ID: "tally",
        AUTH_OIDC_SECRET: "s",
      }).AUTH_OIDC_NAME,
    ).toBe("Single sign-on");
  });

  it("reads one setting afresh, by the same rule", () => {
    const saved = process.env.DATABASE_POOL_MAX;
    try {
      delete process.env.DATABASE_POOL_MAX;
      expect(setting("DATABASE_POOL_MAX")).toBe(10);
      process.env.DATABASE_POOL_MAX = "3";
      expect(setting("DATABASE_POOL_MAX")).toBe(3);
      process.env.DATABASE_POOL_MAX = "many";
      expect(() => setting("DATABASE_POOL_MAX")).toThrow(ConfigError);
    } finally {
      if (saved === undefined) delete process.env.DATABASE_POOL_MAX;
      else process.env.DATABASE_POOL_MAX = saved;
    }
  });
});
