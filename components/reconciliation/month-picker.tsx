"use client";

import { useUrlParams } from "@/components/data-table/use-url-params";
import { Field, TextInput } from "@/components/ui/field";

export function MonthPicker({ month }: { month: string }) {
  const { update } = useUrlParams();
  return (
    <Field label="Month (UTC)" htmlFor="settlement-month" className="w-44">
      <TextInput
        id="settlement-month"
        type="month"
        value={month}
        onChange={(event) => update({ month: event.target.value })}
      />
    </Field>
  );
}
