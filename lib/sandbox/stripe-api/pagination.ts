/**
 * Stripe's cursor pagination: lists are newest first (by `created`, ties by
 * id), `starting_after` pages towards older objects, `ending_before` towards
 * newer ones, and `has_more` says whether that direction has anything left.
 */
import { InvalidRequestError } from "./request-error";

export type Listed = { id: string; created: number };

/** Negative when `a` comes first in a Stripe list (newer first). */
export function newestFirst(a: Listed, b: Listed): number {
  if (a.created !== b.created) return b.created - a.created;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export function paginate<T extends Listed>(
  filtered: T[],
  all: Listed[],
  params: URLSearchParams,
  objectName: string,
): { data: T[]; hasMore: boolean } {
  const limit = parseLimit(params.get("limit"));
  const startingAfter = params.get("starting_after");
  const endingBefore = params.get("ending_before");
  if (startingAfter && endingBefore) {
    throw new InvalidRequestError(
      "You may only specify one of these parameters: ending_before, starting_after.",
      "ending_before",
    );
  }
  const sorted = [...filtered].sort(newestFirst);

  const cursorOf = (id: string, param: string) => {
    const cursor = all.find((object) => object.id === id);
    if (!cursor)
      throw new InvalidRequestError(`No such ${objectName}: '${id}'`, param, 404, "resource_missing");
    return cursor;
  };

  if (endingBefore) {
    const cursor = cursorOf(endingBefore, "ending_before");
    const newer = sorted.filter((object) => newestFirst(object, cursor) < 0);
    const data = newer.slice(Math.max(0, newer.length - limit));
    return { data, hasMore: newer.length > limit };
  }
  const older = startingAfter
    ? sorted.filter((object) => newestFirst(object, cursorOf(startingAfter, "starting_after")) > 0)
    : sorted;
  return { data: older.slice(0, limit), hasMore: older.length > limit };
}

function parseLimit(raw: string | null): number {
  if (raw === null || raw === "") return 10;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new InvalidRequestError("Invalid integer: limit must be an integer between 1 and 100.", "limit");
  }
  return limit;
}
