import { beforeAll, describe, expect, it } from "vitest";
import { GET as listRunsRoute, POST as enqueueRoute } from "@/app/api/v1/reconciliation/runs/route";
import { insertToken } from "@/lib/auth/tokens";
import { useTestDatabase } from "../helpers/db";
import { callRoute } from "../helpers/http";

useTestDatabase();
let finance: string;
let viewer: string;
const queued: number[] = [];

beforeAll(async () => {
  finance = (await insertToken({ name: "finance", role: "finance", createdBy: "test" })).token;
  viewer = (await insertToken({ name: "viewer", role: "viewer", createdBy: "test" })).token;
  for (let day = 1; day <= 5; day += 1) {
    const response = await callRoute(enqueueRoute, {
      method: "POST",
      path: "/api/v1/reconciliation/runs",
      token: finance,
      body: JSON.stringify({ provider: "stripe", from: `2025-03-0${day}`, to: `2025-03-0${day + 1}` }),
    });
    expect(response.status).toBe(202);
    queued.push((response.json() as { id: number }).id);
  }
});

describe("GET /api/v1/reconciliation/runs", () => {
  it("pages newest first with the opaque keyset cursor every list uses", async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const path: string = `/api/v1/reconciliation/runs?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const response = await callRoute(listRunsRoute, { path, token: viewer });
      expect(response.status).toBe(200);
      const page = response.json() as { data: { id: number }[]; next_cursor: string | null };
      expect(page.data.length).toBeLessThanOrEqual(2);
      if (page.next_cursor !== null) expect(page.next_cursor).not.toMatch(/^\d+$/);
      seen.push(...page.data.map((run) => run.id));
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...queued].reverse());
  });

  it("refuses a cursor it did not make", async () => {
    const response = await callRoute(listRunsRoute, {
      path: "/api/v1/reconciliation/runs?cursor=not-a-cursor",
      token: viewer,
    });
    expect(response.status).toBe(400);
  });

  it("names the run in a validation error", async () => {
    const response = await callRoute(enqueueRoute, {
      method: "POST",
      path: "/api/v1/reconciliation/runs",
      token: finance,
      body: JSON.stringify({ provider: "stripe", from: "2025-03-02", to: "2025-03-01" }),
    });
    expect(response.status).toBe(400);
    expect((response.json() as { error: string }).error).toBe("Invalid run: from: from must be before to");
  });
});
