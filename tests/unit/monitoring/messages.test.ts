import { describe, expect, it } from "vitest";
import type { AlertFiring } from "@/db/schema";
import { firingText, resolvedText } from "@/lib/monitoring/messages";
import { retryHorizonHours } from "@/lib/monitoring/retry-horizons";

const firing: AlertFiring = {
  id: 1,
  rule: "dead_letter",
  subject: "",
  summary: "3 events became dead letters in the last 15 min (charge.refunded ×3)",
  count: 3,
  link: "https://tally.example/dead-letters",
  startedAt: new Date("2026-01-01T10:00:30Z"),
  since: new Date("2026-01-01T10:00:00Z"),
  lastSeenAt: new Date("2026-01-01T10:00:30Z"),
  resolvedAt: null,
  suppressed: false,
  notifiedAt: null,
  notifiedCount: null,
  resolvedNotifiedAt: null,
};

describe("alert messages", () => {
  it("say what, how many, since when and where to look", () => {
    const text = firingText(firing);
    expect(text).toContain("[FIRING] New dead letters");
    expect(text).toContain("How many: 3");
    expect(text).toContain("since 2026-01-01T10:00:00.000Z");
    expect(text).toContain("https://tally.example/dead-letters");
    expect(firingText(firing, { reminder: true })).toContain("[STILL FIRING]");
  });

  it("name the subject and announce the resolution", () => {
    const text = resolvedText({
      ...firing,
      rule: "silent_worker",
      subject: "worker-a",
      resolvedAt: new Date("2026-01-01T10:20:00Z"),
    });
    expect(text).toContain("[RESOLVED] Silent worker — worker-a");
    expect(text).toContain("after about 20 min");
  });

  it("know each provider's retry horizon and assume the shortest for others", () => {
    expect(retryHorizonHours({ provider: "stripe" })).toBe(72);
    expect(retryHorizonHours({ provider: "adyen" })).toBe(720);
    expect(retryHorizonHours({ provider: "unknown" })).toBe(72);
  });
});
