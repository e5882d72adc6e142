import { createHash, timingSafeEqual } from "node:crypto";
import { BlockList, isIP } from "node:net";

const lists = new Map<string, BlockList>();

function allowList(ranges: readonly string[]): BlockList {
  const key = ranges.join(",");
  let list = lists.get(key);
  if (!list) {
    list = new BlockList();
    for (const range of ranges) {
      const [address = "", prefix] = range.split("/");
      const family = isIP(address) === 6 ? "ipv6" : "ipv4";
      if (prefix === undefined) list.addAddress(address, family);
      else list.addSubnet(address, Number(prefix), family);
    }
    lists.clear();
    lists.set(key, list);
  }
  return list;
}

/** True when the caller's address lies in one of the configured ranges. */
export function isAllowedSource(remoteAddr: string | undefined, ranges: readonly string[]): boolean {
  if (!remoteAddr) return false;
  // An IPv4 client on a dual-stack socket shows up as ::ffff:a.b.c.d.
  const address =
    remoteAddr.startsWith("::ffff:") && isIP(remoteAddr.slice(7)) === 4 ? remoteAddr.slice(7) : remoteAddr;
  const family = isIP(address);
  if (family === 0) return false;
  return allowList(ranges).check(address, family === 6 ? "ipv6" : "ipv4");
}

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/**
 * The secret token registered in the hook URL, either as the last path segment
 * (`/api/webhooks/mangopay/<token>`) or as `?token=`. Compared in constant time.
 */
export function hasValidToken(url: URL, expected: string): boolean {
  const segments = url.pathname.split("/").filter(Boolean);
  const fromPath = segments.length > 3 && segments.at(-2) === "mangopay" ? segments.at(-1) : undefined;
  const given = fromPath ?? url.searchParams.get("token") ?? "";
  return timingSafeEqual(digest(given), digest(expected));
}
