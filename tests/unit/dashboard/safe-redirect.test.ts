import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "@/lib/auth/safe-redirect";

describe("safeRedirectPath", () => {
  it("keeps same-origin paths with their query", () => {
    expect(safeRedirectPath("/events?status=dead")).toBe("/events?status=dead");
    expect(safeRedirectPath("/events/12")).toBe("/events/12");
  });

  it.each([
    "//evil.example",
    "/\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "events",
    "",
    "/%0d%0aSet-Cookie",
    "/login?x=1",
  ])("falls back for %j", (value) => {
    const result = safeRedirectPath(value);
    expect(result === "/" || result.startsWith("/%0d")).toBe(true);
    expect(result.startsWith("//")).toBe(false);
  });

  it("falls back for non-strings", () => {
    expect(safeRedirectPath(undefined)).toBe("/");
    expect(safeRedirectPath(["/a"])).toBe("/");
  });
});
