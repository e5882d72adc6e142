import http from "node:http";
import { percentile } from "./stats";
import type { Delivery } from "./stripe-bodies";

export type LoadResult = {
  sent: number;
  ok: number;
  statuses: Record<string, number>;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Event ids answered 2xx (acknowledged). */
  acknowledged: string[];
  /** Open loop only: [ms after the start it was due, latency ms] per request, to place stalls in time. */
  timeline: [number, number][];
  /** Open loop only: how late the load generator itself sent a request, at worst (its own stalls). */
  sendLateMs: number;
};

type Target = { url: string; path?: string };

function post(agent: http.Agent, url: URL, delivery: Delivery): Promise<number> {
  return new Promise((resolve) => {
    const request = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(delivery.body),
          "stripe-signature": delivery.signature,
        },
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
        response.on("error", () => resolve(0));
      },
    );
    request.setTimeout(30_000, () => request.destroy());
    request.on("error", () => resolve(0));
    request.end(delivery.body);
  });
}

function summarise(
  latencies: number[],
  statuses: Record<string, number>,
  acknowledged: string[],
  seconds: number,
  timeline: [number, number][] = [],
  sendLateMs = 0,
): LoadResult {
  latencies.sort((a, b) => a - b);
  const sent = latencies.length;
  return {
    sent,
    ok: acknowledged.length,
    statuses,
    seconds,
    rps: acknowledged.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? 0,
    acknowledged,
    timeline,
    sendLateMs,
  };
}

/**
 * Closed loop: `connections` keep-alive connections, each sending its next
 * delivery as soon as the previous reply arrives, for `durationMs` (or until
 * the deliveries run out). Measures the most the server sustains.
 */
export async function closedLoop(
  target: Target,
  bodies: Delivery[],
  { connections, durationMs }: { connections: number; durationMs: number },
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const url = new URL(target.url);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const acknowledged: string[] = [];
  let next = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const lane = async () => {
    while (performance.now() < deadline && next < bodies.length) {
      const delivery = bodies[next++]!;
      const sent = performance.now();
      const status = await post(agent, url, delivery);
      latencies.push(performance.now() - sent);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status >= 200 && status < 300) acknowledged.push(delivery.eventId);
    }
  };
  await Promise.all(Array.from({ length: connections }, lane));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return summarise(latencies, statuses, acknowledged, seconds);
}

/** The worst latency of the requests due in each slice of the phase: where in time a stall was. */
export function worstBySlice(result: LoadResult, sliceMs: number): number[] {
  const slices: number[] = [];
  for (const [at, ms] of result.timeline) {
    const slice = Math.floor(at / sliceMs);
    slices[slice] = Math.max(slices[slice] ?? 0, ms);
  }
  return Array.from(slices, (value) => value ?? 0);
}

/**
 * Open loop at a fixed rate: delivery i is due at start + i/rate whatever
 * happened before, and its latency counts from when it was due, so a stalled
 * server shows up as latency instead of silently lowering the rate
 * (no coordinated omission).
 */
export async function fixedRate(
  target: Target,
  bodies: Delivery[],
  { rate, durationMs, maxConnections = 256 }: { rate: number; durationMs: number; maxConnections?: number },
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: maxConnections });
  const url = new URL(target.url);
  const total = Math.min(bodies.length, Math.floor((rate * durationMs) / 1000));
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const acknowledged: string[] = [];
  const inFlight: Promise<void>[] = [];
  const timeline: [number, number][] = [];
  let sendLateMs = 0;
  const started = performance.now();
  for (let index = 0; index < total; index++) {
    const due = started + (index * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const delivery = bodies[index]!;
    sendLateMs = Math.max(sendLateMs, performance.now() - due);
    inFlight.push(
      post(agent, url, delivery).then((status) => {
        latencies.push(performance.now() - due);
        timeline.push([due - started, performance.now() - due]);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status >= 200 && status < 300) acknowledged.push(delivery.eventId);
      }),
    );
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return summarise(latencies, statuses, acknowledged, seconds, timeline, sendLateMs);
}
