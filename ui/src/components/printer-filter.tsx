/** "Printer: all / <name>…" for lists that can be narrowed to one printer, and the names it needs. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/http.js';
import type { PrinterList } from '../api/types.js';

/** The printers' names by id, from `api/printers` (empty until they come, or when refused). */
export function usePrinterNames(): Readonly<Record<string, string>> {
  const [names, setNames] = useState<Record<string, string>>({});
  useEffect(() => void api<PrinterList>('GET', 'api/printers').then((r) => setNames(Object.fromEntries(r.printers.map((p) => [p.id, p.name]))), () => undefined), []);
  return names;
}

export function PrinterFilter({ names, value, onChange }: { names: Readonly<Record<string, string>>; value: string; onChange(id: string): void }) {
  return (
    <label>
      Printer
      <select value={value} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        <option value="">all</option>
        {Object.entries(names).map(([id, name]) => (
          <option value={id}>{name}</option>
        ))}
      </select>
    </label>
  );
}

/** The header cell of a column of buttons: named for screen readers only. */
export function ActionsHeader() {
  return (
    <th scope="col">
      <span class="sr-only">Actions</span>
    </th>
  );
}
