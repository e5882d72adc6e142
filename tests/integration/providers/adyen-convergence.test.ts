import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { TEST_ADYEN_KEY, adyenDelivery, adyenItem } from "../../fixtures/adyen";
import { useTestDatabase } from "../helpers/db";
import { callRoute } from "../helpers/http";
import { drain, recordsFor } from "../processing/helpers";
import { setEnv } from "./env";
import { apiTokens, getObject, replay, storedEvents, webhookPost } from "./pipeline";

useTestDatabase();
let tokens: { viewer: string; operator: string };

beforeAll(async () => {
  setEnv({ ADYEN_HMAC_KEYS: TEST_ADYEN_KEY });
  tokens = await apiTokens();
});

type History = {
  amount: number;
  /** "then_authorised": Adyen refused the reference first and authorised it later. */
  refused: "no" | "only" | "then_authorised";
  ending: "none" | "capture" | "cancel" | "capture_failed";
  refunds: { amount: number; fails: boolean }[];
  dispute: "none" | "chargeback" | "reversed" | "second";
};

const history: fc.Arbitrary<History> = fc.record({
  amount: fc.integer({ min: 1000, max: 100_000 }),
  refused: fc.constantFrom("no", "no", "no", "only", "then_authorised"),
  ending: fc.constantFrom("none", "capture", "cancel", "capture_failed"),
  refunds: fc.array(fc.record({ amount: fc.integer({ min: 1, max: 300 }), fails: fc.boolean() }), {
    maxLength: 3,
  }),
  dispute: fc.constantFrom("none", "chargeback", "reversed", "second"),
});

/** Adyen's items for one payment's history, in the order Adyen produced them (one second apart). */
function itemsFor(h: History, marker: string): Record<string, unknown>[] {
  let second = 0;
  const eventDate = () => new Date(Date.UTC(2025, 3, 1, 9, 0, second++)).toISOString();
  const payment = `${marker}P`;
  const item = (input: Parameters<typeof adyenItem>[0]) =>
    adyenItem({ merchantReference: `${marker}-order`, eventDate: eventDate(), ...input });
  const items = [];
  if (h.refused !== "no") items.push(item({ pspReference: payment, value: h.amount, success: "false" }));
  if (h.refused === "only") return items;
  items.push(item({ pspReference: payment, value: h.amount }));
  const modification = (eventCode: string) =>
    item({ pspReference: `${marker}M`, originalReference: payment, eventCode, value: h.amount });
  if (h.ending === "cancel") items.push(modification("CANCELLATION"));
  if (h.ending === "capture" || h.ending === "capture_failed") items.push(modification("CAPTURE"));
  h.refunds.forEach((refund, index) => {
    const pspReference = `${marker}R${index}`;
    items.push(item({ pspReference, originalReference: payment, eventCode: "REFUND", value: refund.amount }));
    if (refund.fails)
      items.push(
        item({ pspReference, originalReference: payment, eventCode: "REFUND_FAILED", value: refund.amount }),
      );
  });
  if (h.ending === "capture_failed") items.push(modification("CAPTURE_FAILED"));
  const dispute = (eventCode: string, disputeStatus: string) =>
    item({
      pspReference: `${marker}D`,
      originalReference: payment,
      eventCode,
      value: h.amount,
      additionalData: { disputeStatus },
    });
  if (h.dispute !== "none") items.push(dispute("CHARGEBACK", "Undefended"));
  if (h.dispute === "reversed" || h.dispute === "second") items.push(dispute("CHARGEBACK_REVERSED", "Won"));
  if (h.dispute === "second") items.push(dispute("SECOND_CHARGEBACK", "Lost"));
  return items;
}

async function post(items: Record<string, unknown>[]) {
  const response = await callRoute(webhookPost, {
    method: "POST",
    path: "/api/webhooks/adyen",
    params: { provider: "adyen" },
    ...adyenDelivery(items),
  });
  expect(response.status).toBe(200);
}

let runs = 0;

describe("Adyen notifications converge whatever the delivery order", () => {
  it("shuffled, batched, redelivered and replayed histories end in the rows in-order delivery gives", async () => {
    await fc.assert(
      fc.asyncProperty(
        history,
        fc.infiniteStream(fc.integer({ min: 0, max: 1_000_000 })),
        fc.integer({ min: 1, max: 4 }),
        async (h, randomness, batchSize) => {
          runs += 1;
          const inOrder = `adyq${runs}a`;
          const shuffled = `adyq${runs}b`;
          const random = randomness[Symbol.iterator]();
          const next = () => random.next().value as number;

          for (const item of itemsFor(h, inOrder)) await post([item]);
          await drain();

          // Any permutation, delivered in batches, with some items delivered again later.
          const items = itemsFor(h, shuffled)
            .map((item) => ({ item, sort: next() }))
            .sort((a, b) => a.sort - b.sort)
            .map(({ item }) => item);
          const redelivered = items.filter(() => next() % 3 === 0);
          const deliveries = [...items, ...redelivered];
          for (let i = 0; i < deliveries.length; i += batchSize) {
            // One delivery never holds the same item twice (Adyen batches distinct notifications).
            const batch = deliveries.slice(i, i + batchSize);
            await post(batch.filter((item, index) => batch.indexOf(item) === index));
            if (next() % 2 === 0) await drain();
          }
          await drain();
          // Operators replay some already-processed events: applying a fact again changes nothing.
          const ours = (await storedEvents("adyen")).filter((event) =>
            event.provider_event_id.startsWith(shuffled),
          );
          for (const event of ours.filter(() => next() % 4 === 0))
            expect((await replay(tokens.operator, event.id)).status).toBe(202);
          await drain();

          expect(await recordsFor(shuffled)).toEqual(await recordsFor(inOrder));

          // And the rows say what Adyen's history says (an oracle independent of the order key).
          const payment = await getObject(tokens.viewer, "adyen", `${shuffled}P`);
          const refused = h.refused === "only";
          const standing = refused
            ? 0
            : h.refunds.filter((r) => !r.fails).reduce((sum, r) => sum + r.amount, 0);
          const status = refused
            ? "refused"
            : {
                none: "authorised",
                capture: "captured",
                cancel: "cancelled",
                capture_failed: "capture_failed",
              }[h.ending];
          expect(payment).toMatchObject({
            status,
            amount: h.amount,
            amount_refunded: standing,
            disputed: !refused && h.dispute !== "none",
          });
          if (!refused && h.dispute !== "none") {
            const dispute = await getObject(tokens.viewer, "adyen", `${shuffled}D`);
            expect(dispute!.status).toBe(
              { chargeback: "Undefended", reversed: "Won", second: "Lost" }[h.dispute],
            );
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
