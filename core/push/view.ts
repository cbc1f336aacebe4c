/**
 * What one push client sees. The farm view (socket.io at the root of the main port) carries every
 * printer's `history`, `current` and events, each message keyed by `printer`, narrowed by the
 * client's `subscribe {printers}`. A printer view (SockJS at `/sockjs` for the first printer, at
 * `/printer/<id>/sockjs` for printer `<id>`) is that printer alone in OctoPrint's shapes, as if the
 * host were an OctoPrint for it. Shared events (files, slicing, settings, server) reach every view.
 */
/** An event reaches a printer view when `eventPrinter(payload)` (core/common/printer-id.ts) is that printer or undefined. */
export type PushView = { readonly kind: 'farm'; readonly batched?: boolean } | { readonly kind: 'printer'; readonly printer: string };

export const FARM_VIEW: PushView = { kind: 'farm' };

/**
 * The farm view with its `current`s batched: one `currents {printers: [...]}` message per tick holding
 * the keyed `current` of every printer that changed since the client's last one (none: no message),
 * instead of one `current` per printer per tick. A client asks for it with `auth.batch: true`.
 */
export const FARM_BATCHED_VIEW: PushView = { kind: 'farm', batched: true };

export function printerView(printer: string): PushView {
  return { kind: 'printer', printer };
}
