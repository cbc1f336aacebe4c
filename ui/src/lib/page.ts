/**
 * Where this page is: the server marks the document (`<html data-view data-printer>`) as the farm
 * (the main port's root) or one printer's page (`/printer/<id>/`, or a printer's own port). Every
 * URL the app uses is relative to the page, so the same build works under any of those bases.
 */
export type PageKind = 'farm' | 'printer';

const root = document.documentElement;

export const PAGE_KIND: PageKind = root.dataset.view === 'printer' ? 'printer' : 'farm';
/** the printer of a printer's page */
export const PAGE_PRINTER: string | null = root.dataset.printer ?? null;

/** A printer's base as seen from this page: the farm reaches p2 at `printer/p2/`, a printer's page is its own base. */
export function printerBase(id: string): string {
  return PAGE_KIND === 'printer' ? '' : `printer/${encodeURIComponent(id)}/`;
}

/** `a/b c.gcode` → `a/b%20c.gcode` */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** An absolute URL for a relative one (websockets need a ws: URL). */
export function absolute(relative: string, protocol?: 'ws'): URL {
  const url = new URL(relative, location.href);
  url.search = '';
  url.hash = '';
  if (protocol === 'ws') url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url;
}
