import type { z } from "zod";

export type SearchParams = Record<string, string | string[] | undefined>;

/**
 * A page's URL search params, read leniently with the same schema the API
 * reads strictly: the first of repeated keys, blanks as absent, and a value
 * the schema refuses as absent too (so its default applies). A hand-edited
 * URL shows the page with that filter dropped instead of an error.
 */
export function parseSearchParams<S extends z.ZodObject>(schema: S, params: SearchParams): z.infer<S> {
  const values: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const raw = params[key];
    const value = Array.isArray(raw) ? raw[0] : raw;
    const parsed = field.safeParse(value === "" ? undefined : value);
    values[key] = parsed.success ? parsed.data : field.safeParse(undefined).data;
  }
  return values as z.infer<S>;
}
