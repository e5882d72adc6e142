import type { ReactNode } from "react";

/** The list above each settings create form; its last column, like its cells, has no right padding. */
export function SettingsTable({
  caption,
  headings,
  children,
}: {
  caption: string;
  headings: string[];
  children: ReactNode;
}) {
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr className="text-left text-xs uppercase text-zinc-500">
            {headings.map((heading, index) => (
              <th key={index} scope="col" className={index < headings.length - 1 ? "py-1 pr-3" : "py-1"}>
                {heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">{children}</tbody>
      </table>
    </div>
  );
}
