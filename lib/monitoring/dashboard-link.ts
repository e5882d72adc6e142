import "server-only";
import { config } from "@/lib/config";

/** An absolute dashboard URL for alert messages: AUTH_URL when set, else this host's port. */
export function dashboardLink({ path }: { path: string }): string {
  const settings = config();
  const base = settings.AUTH_URL ?? `http://localhost:${settings.PORT}`;
  return new URL(path, base.endsWith("/") ? base : `${base}/`).toString();
}
