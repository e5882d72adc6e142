/**
 * Where to go after signing in: only a path on this origin. Anything that
 * could leave the site (`//evil`, `/\evil`, `https://…`, control characters)
 * falls back to the overview.
 */
export function safeRedirectPath(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2048) return fallback;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  if (/[\u0000-\u001f\\]/.test(value)) return fallback;
  try {
    const url = new URL(value, "http://tally.invalid");
    if (url.origin !== "http://tally.invalid") return fallback;
    if (url.pathname.startsWith("/login")) return fallback;
    return url.pathname + url.search + url.hash;
  } catch {
    return fallback;
  }
}
