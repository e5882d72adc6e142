import { afterEach, describe, expect, it } from "vitest";
import { metricsRequestAllowed } from "@/lib/monitoring/metrics-auth";

const original = process.env;
afterEach(() => {
  process.env = original;
});

describe("metrics bearer token", () => {
  it("is open when METRICS_TOKEN is unset", () => {
    process.env = { ...original, METRICS_TOKEN: "" };
    expect(metricsRequestAllowed({ authorization: null })).toBe(true);
  });

  it("needs the exact token when set", () => {
    process.env = { ...original, METRICS_TOKEN: "scrape-secret-1" };
    expect(metricsRequestAllowed({ authorization: null })).toBe(false);
    expect(metricsRequestAllowed({ authorization: "Bearer wrong-token" })).toBe(false);
    expect(metricsRequestAllowed({ authorization: "Basic scrape-secret-1" })).toBe(false);
    expect(metricsRequestAllowed({ authorization: "Bearer scrape-secret-1" })).toBe(true);
    expect(metricsRequestAllowed({ authorization: "bearer scrape-secret-1" })).toBe(true);
  });
});
