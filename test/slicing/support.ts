/**
 * Helpers for the slicing and timelapse tests: STL models written on the fly, waiting for bus events,
 * REST calls with the test key, files put into local storage.
 */
import { Readable } from 'node:stream';
import type { AnyFiredEvent, EventBus } from '../../core/events/event-bus.js';
import { FileManager } from '../../core/files/file-manager.js';
import { api as apiOf } from '../api/support.js';
import type { TestHost } from '../support/host.js';
import { recordEvents } from '../support/events.js';

/** An ASCII STL of an axis-aligned box (12 facets). */
export function boxStl(x: number, y: number, z: number): string {
  const v = [[0, 0, 0], [x, 0, 0], [x, y, 0], [0, y, 0], [0, 0, z], [x, 0, z], [x, y, z], [0, y, z]];
  const faces = [[0, 2, 1], [0, 3, 2], [4, 5, 6], [4, 6, 7], [0, 1, 5], [0, 5, 4], [1, 2, 6], [1, 6, 5], [2, 3, 7], [2, 7, 6], [3, 0, 4], [3, 4, 7]];
  const facets = faces.map((f) => ` facet normal 0 0 0\n  outer loop\n${f.map((i) => `   vertex ${v[i]!.join(' ')}`).join('\n')}\n  endloop\n endfacet`);
  return `solid box\n${facets.join('\n')}\nendsolid box\n`;
}

/** Collects every bus event from now on (the events of support/events.ts's recorder). */
export function record(bus: EventBus): AnyFiredEvent[] {
  return recordEvents(bus).events;
}

/** Resolves with the first event `name` (after now) that matches. */
export function nextEvent(bus: EventBus, name: string, timeoutMs = 20000, match: (payload: Record<string, unknown>) => boolean = () => true): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no ${name} within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = bus.onAny((e) => {
      if (e.name !== name || !match(e.payload as Record<string, unknown>)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e.payload as Record<string, unknown>);
    });
  });
}

/** One authenticated request; a string body is sent as is with `contentType`. */
export function api(t: TestHost, method: string, url: string, body?: unknown, contentType?: string) {
  return apiOf(t)(method, url, { body, headers: contentType ? { 'Content-Type': contentType } : {} });
}

/** Puts a file into local storage. */
export async function storeFile(t: TestHost, p: string, text: string): Promise<void> {
  await t.get<FileManager>(FileManager).addFile('local', p, Readable.from([Buffer.from(text)]), { overwrite: true });
}
