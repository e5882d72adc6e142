"use client";

import { useState } from "react";
import { useUrlParams } from "./use-url-params";

/**
 * Draft values of a filter bar, seeded from the URL. Edits stay local until
 * applied, so typing does not reload the page on every key.
 */
export function useFilterParams(names: readonly string[]) {
  const { searchParams, update } = useUrlParams();
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(names.map((name) => [name, searchParams.get(name) ?? ""])),
  );
  const set = (name: string, value: string) => setValues((current) => ({ ...current, [name]: value }));
  const apply = () => update(values);
  const clear = () => {
    const empty = Object.fromEntries(names.map((name) => [name, ""]));
    setValues(empty);
    update(empty);
  };
  return { values, set, apply, clear };
}
