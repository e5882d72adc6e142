/**
 * Marks what reconciliation recovered from the provider's event list: a
 * webhook that never reached Tally, or a finding it explains.
 */
export function RecoveredTag({ title }: { title: string }) {
  return (
    <span
      className="inline-block rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-800 dark:bg-amber-900/40 dark:text-amber-200"
      title={title}
    >
      recovered
    </span>
  );
}
