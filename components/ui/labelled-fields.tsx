import type { InputHTMLAttributes, SelectHTMLAttributes } from "react";
import { Field, Select, TextInput } from "./field";

/** A plain string is both the value and the label; a pair names them apart. */
export type SelectOption = string | readonly [value: string, label: string];

type Labelled = { id: string; label: string; className?: string };

export function TextField({
  id,
  label,
  className,
  ...input
}: Labelled & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <Field label={label} htmlFor={id} className={className}>
      <TextInput id={id} {...input} />
    </Field>
  );
}

/** `anyLabel` adds a first, empty choice, which filters read as "no constraint". */
export function SelectField({
  id,
  label,
  className,
  options,
  anyLabel,
  ...select
}: Labelled & {
  options: readonly SelectOption[];
  anyLabel?: string;
} & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <Field label={label} htmlFor={id} className={className}>
      <Select id={id} {...select}>
        {anyLabel !== undefined && <option value="">{anyLabel}</option>}
        {options.map((option) =>
          typeof option === "string" ? (
            <option key={option}>{option}</option>
          ) : (
            <option key={option[0]} value={option[0]}>
              {option[1]}
            </option>
          ),
        )}
      </Select>
    </Field>
  );
}
