import { formatMoney } from "@/lib/money";

const show = (value: unknown) =>
  value == null ? "—" : typeof value === "object" ? JSON.stringify(value) : String(value);

/** The provider's values and ours, field by field, differences marked. */
export function SideBySide({
  expected,
  actual,
  expectedAmount,
  actualAmount,
  currency,
}: {
  expected: Record<string, unknown>;
  actual: Record<string, unknown>;
  expectedAmount: number | null;
  actualAmount: number | null;
  currency: string | null;
}) {
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
  const money = (amount: number | null) =>
    amount == null || !currency ? "—" : formatMoney(amount, currency);
  return (
    <table className="min-w-full text-sm">
      <caption className="sr-only">Provider versus internal values</caption>
      <thead>
        <tr className="text-left text-xs uppercase tracking-wide text-zinc-500">
          <th scope="col" className="py-1 pr-4">
            Field
          </th>
          <th scope="col" className="py-1 pr-4">
            Provider (expected)
          </th>
          <th scope="col" className="py-1">
            Ours (actual)
          </th>
        </tr>
      </thead>
      <tbody>
        <tr className="border-t border-zinc-200 dark:border-zinc-800">
          <th scope="row" className="py-1 pr-4 text-left font-medium">
            amount
          </th>
          <td className="py-1 pr-4">{money(expectedAmount)}</td>
          <td className="py-1">{money(actualAmount)}</td>
        </tr>
        {keys
          .filter((key) => key !== "amount")
          .map((key) => {
            const differs = show(expected[key]) !== show(actual[key]);
            return (
              <tr key={key} className="border-t border-zinc-200 dark:border-zinc-800">
                <th scope="row" className="py-1 pr-4 text-left font-medium">
                  {key}
                  {differs && <span className="sr-only"> (differs)</span>}
                </th>
                <td
                  className={
                    differs ? "py-1 pr-4 font-semibold text-amber-800 dark:text-amber-300" : "py-1 pr-4"
                  }
                >
                  {show(expected[key])}
                </td>
                <td className={differs ? "py-1 font-semibold text-amber-800 dark:text-amber-300" : "py-1"}>
                  {show(actual[key])}
                </td>
              </tr>
            );
          })}
      </tbody>
    </table>
  );
}
