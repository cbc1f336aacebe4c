/**
 * A printer page's name and the way back to the farm. Under `/printer/<id>/` the farm is `../../`;
 * at a printer's own port it is on the main port, which `api/printers` tells (`baseUrl`).
 */
import { signal } from '@preact/signals';
import { api } from '../../api/http.js';
import type { PrinterJson, PrinterList } from '../../api/types.js';
import { PAGE_KIND, PAGE_PRINTER } from '../../lib/page.js';

export const printerTitle = signal(PAGE_PRINTER ?? '');
export const farmLink = signal(PAGE_KIND === 'printer' ? '../../' : './');
export const thisPrinter = signal<PrinterJson | null>(null);

const UNDER_PREFIX = /\/printer\/[^/]+\/$/;

export async function loadIdentity(): Promise<void> {
  if (PAGE_KIND !== 'printer') return;
  const { printers } = await api<PrinterList>('GET', 'api/printers');
  const me = printers.find((p) => p.id === PAGE_PRINTER);
  if (!me) return;
  thisPrinter.value = me;
  printerTitle.value = me.name;
  document.title = `${me.name} · cuttle`;
  if (!UNDER_PREFIX.test(location.pathname)) farmLink.value = new URL('../../', me.baseUrl).href;
}
