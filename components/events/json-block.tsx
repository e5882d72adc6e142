/** Pretty JSON as text: React escapes it, so a hostile payload renders inert. */
export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    <pre
      aria-label={label}
      tabIndex={0}
      className="max-h-[32rem] overflow-auto rounded-md bg-zinc-50 p-3 font-mono text-xs leading-relaxed dark:bg-zinc-950"
    >
      {value == null ? "(none)" : JSON.stringify(value, null, 2)}
    </pre>
  );
}
