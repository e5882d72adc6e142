/**
 * Sets (or, with undefined, removes) environment variables. config() caches
 * on the identity of process.env, so the object is replaced, not mutated.
 */
export function setEnv(values: Record<string, string | undefined>): void {
  const next = { ...process.env };
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete next[name];
    else next[name] = value;
  }
  process.env = next;
}
