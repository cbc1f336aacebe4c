/**
 * G-code files' layers, for the printer page's preview and the farm cards' thumbnails: each file is
 * fetched and parsed in a worker once (sixteen cards printing one file parse it once), one file at a
 * time (a farm starting many jobs does not start a worker per card on a small machine), and the last
 * few kept, keyed by path and the file's date and size (a file uploaded again under its name is new).
 */
import { currentCredential } from '../api/http.js';
import type { Layers } from './gcode-layers.js';
import { absolute, encodePath } from './page.js';

const KEPT = 4;
const cache = new Map<string, Promise<Layers>>();
let queue: Promise<unknown> = Promise.resolve();

function parseInWorker(path: string): Promise<Layers> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./layer-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<Layers | { error: string }>) => {
      worker.terminate();
      if ('error' in e.data) reject(new Error(e.data.error));
      else resolve(e.data);
    };
    worker.onerror = (e) => (worker.terminate(), reject(new Error(e.message)));
    worker.postMessage({ url: absolute(`downloads/files/local/${encodePath(path)}`).href, credential: currentCredential() ?? '' });
  });
}

/** The layers of a local file (`version`: its date and size, or anything that changes with its content). */
export function layersOf(path: string, version: string): Promise<Layers> {
  const key = `${path}\n${version}`;
  let found = cache.get(key);
  if (found) {
    // most recently used last
    cache.delete(key);
    cache.set(key, found);
    return found;
  }
  found = queue.then(() => parseInWorker(path));
  queue = found.catch(() => undefined);
  // a failure is not kept: asked again, it is tried again
  found.catch(() => cache.get(key) === found && cache.delete(key));
  cache.set(key, found);
  while (cache.size > KEPT) cache.delete(cache.keys().next().value!);
  return found;
}
