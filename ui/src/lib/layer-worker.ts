/**
 * Fetches a G-code file and parses it into layers off the main thread: a big file would block the
 * page for a while, and even its text handed over from the page would be copied there. Answers the
 * layers (their buffers transferred) or `{error}`.
 */
import { parseLayers } from './gcode-layers.js';

self.onmessage = async (e: MessageEvent<{ url: string; credential: string }>) => {
  const post = self as unknown as { postMessage(data: unknown, transfer?: ArrayBuffer[]): void };
  try {
    const response = await fetch(e.data.url, { headers: { 'X-Api-Key': e.data.credential } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const parsed = parseLayers(await response.text());
    post.postMessage(parsed, parsed.layers.flatMap((l) => [l.segments.buffer, l.offsets.buffer]) as ArrayBuffer[]);
  } catch (err) {
    post.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
