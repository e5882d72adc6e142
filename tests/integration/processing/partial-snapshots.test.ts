import { describe, expect, it } from "vitest";
import { rawSql } from "@/db";
import { applySnapshots } from "@/lib/records/apply";
import type { RecordSnapshot } from "@/lib/records/snapshot";
import { useTestDatabase } from "../helpers/db";

useTestDatabase();

const permutations = <T>(items: T[]): T[][] =>
  items.length <= 1
    ? [items]
    : items.flatMap((item, index) =>
        permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
      );

describe("snapshots that leave fields unstated", () => {
  it("each column ends with the value of the newest snapshot that stated it, in every order", async () => {
    // A < B < C in time. C says nothing of the fee; A and B disagree about it.
    const facts = [
      { at: 10, status: "authorised", fee: 30, amount: 1000 },
      { at: 20, status: "authorised", fee: 45, amount: null },
      { at: 30, status: "captured", fee: null, amount: null },
    ];
    const results = [];
    for (const [index, order] of permutations(facts).entries()) {
      const objectId = `psp_partial_${index}`;
      for (const fact of order) {
        const snapshot: RecordSnapshot = {
          provider: "adyen",
          kind: "payment",
          objectId,
          status: fact.status,
          amount: fact.amount,
          currency: fact.amount === null ? null : "eur",
          fee: fact.fee,
          paymentId: objectId,
          data: {},
        };
        await rawSql().begin((tx) =>
          applySnapshots({
            tx,
            snapshots: [
              { snapshot, source: { eventId: `e${fact.at}`, occurredAt: new Date(fact.at * 1000) } },
            ],
          }),
        );
      }
      const [row] =
        await rawSql()`select status, amount, currency, fee from records where object_id = ${objectId}`;
      results.push(row);
    }
    expect(results).toHaveLength(6);
    for (const row of results)
      expect(row).toEqual({ status: "captured", amount: "1000", currency: "eur", fee: "45" });
  });

  it("ends the same when the snapshots arrive together, in one statement or after a partial prefix", async () => {
    const facts = [
      { at: 10, status: "authorised", fee: 30, amount: 1000 },
      { at: 20, status: "authorised", fee: 45, amount: null },
      { at: 30, status: "captured", fee: null, amount: null },
    ];
    const sourced = (objectId: string, fact: (typeof facts)[number]) => ({
      snapshot: {
        provider: "adyen",
        kind: "payment" as const,
        objectId,
        status: fact.status,
        amount: fact.amount,
        currency: fact.amount === null ? null : "eur",
        fee: fact.fee,
        paymentId: objectId,
        data: { at: fact.at },
      },
      source: { eventId: `e${fact.at}`, occurredAt: new Date(fact.at * 1000) },
    });
    // Every order, with the first `split` facts applied alone and the rest in one call,
    // several objects side by side as one chunk of events carries them.
    const objects: string[] = [];
    const together: ReturnType<typeof sourced>[] = [];
    for (const [index, order] of permutations(facts).entries())
      for (let split = 0; split < facts.length; split++) {
        const objectId = `psp_together_${index}_${split}`;
        objects.push(objectId);
        for (const fact of order.slice(0, split))
          await rawSql().begin((tx) => applySnapshots({ tx, snapshots: [sourced(objectId, fact)] }));
        together.push(...order.slice(split).map((fact) => sourced(objectId, fact)));
      }
    await rawSql().begin((tx) => applySnapshots({ tx, snapshots: together }));

    const rows = await rawSql()`select object_id, status, amount, currency, fee, last_event_id, data
      from records where object_id like 'psp_together_%' order by object_id`;
    expect(rows.map((row) => row.object_id)).toEqual([...objects].sort());
    for (const { object_id: _id, ...row } of rows)
      expect(row).toEqual({
        status: "captured",
        amount: "1000",
        currency: "eur",
        fee: "45",
        last_event_id: "e30",
        data: { at: 30 },
      });
  });
});
