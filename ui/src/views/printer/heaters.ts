/** Setting heater targets through the REST API (OctoPrint's: tools in one call, the bed and chamber each their own). */
import { api } from '../../api/http.js';

export const TOOL = /^tool\d+$/;

/** `base` is the printer's base relative to the page ('' on its own page, `printer/<id>/` from the farm). */
export function setTargets(targets: Record<string, number>, base = ''): Promise<unknown> {
  const tools = Object.fromEntries(Object.entries(targets).filter(([h]) => TOOL.test(h)));
  const calls: Promise<unknown>[] = [];
  if (Object.keys(tools).length) calls.push(api('POST', `${base}api/printer/tool`, { command: 'target', targets: tools }));
  for (const heater of ['bed', 'chamber']) {
    const target = targets[heater];
    if (target !== undefined) calls.push(api('POST', `${base}api/printer/${heater}`, { command: 'target', target }));
  }
  return Promise.all(calls);
}

/** Tools first, then the bed, then the rest, each by name. */
export function heaterOrder(a: string, b: string): number {
  const rank = (name: string) => (TOOL.test(name) ? 0 : name === 'bed' ? 1 : 2);
  return rank(a) - rank(b) || a.localeCompare(b);
}
