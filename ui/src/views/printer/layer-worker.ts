/** Parses a G-code file into layers off the main thread (a big file would block the page for a while). */
import { parseLayers } from '../../lib/gcode-layers.js';

self.onmessage = (e: MessageEvent<string>) => {
  const parsed = parseLayers(e.data);
  const buffers = parsed.layers.flatMap((l) => [l.segments.buffer, l.offsets.buffer]);
  (self as unknown as { postMessage(data: unknown, transfer: ArrayBuffer[]): void }).postMessage(parsed, buffers as ArrayBuffer[]);
};
