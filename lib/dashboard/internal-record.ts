import "server-only";

/**
 * The internal record an object's events produced. Reads through the records
 * module once processing provides it; until then there is nothing to show.
 */
export async function getInternalRecord(_input: {
  provider: string;
  objectId: string;
}): Promise<Record<string, unknown> | null> {
  return null;
}
