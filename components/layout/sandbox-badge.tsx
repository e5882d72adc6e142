export function SandboxBadge() {
  return (
    <span
      className="rounded-full bg-amber-400 px-2 py-0.5 text-xs font-bold uppercase tracking-wide text-amber-950"
      title="Sandbox mode: simulated provider traffic, no real money"
      data-testid="sandbox-badge"
    >
      Sandbox
    </span>
  );
}
