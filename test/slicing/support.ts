/**
 * Helpers for the slicing and timelapse tests: STL models written on the fly, waiting for bus events,
 * REST calls with the test key, and a stand-in local FileManager used only while the real one
 * (issue 4) is not bound in the container.
 */
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AnyFiredEvent, EventBus } from '../../core/events/event-bus.js';
import { FileManager, type StoredFile } from '../../core/files/file-manager.js';
import { startTestHost, type TestHost, type TestHostOptions } from '../support/host.js';

/** An ASCII STL of an axis-aligned box (12 facets). */
export function boxStl(x: number, y: number, z: number): string {
  const v = [[0, 0, 0], [x, 0, 0], [x, y, 0], [0, y, 0], [0, 0, z], [x, 0, z], [x, y, z], [0, y, z]];
  const faces = [[0, 2, 1], [0, 3, 2], [4, 5, 6], [4, 6, 7], [0, 1, 5], [0, 5, 4], [1, 2, 6], [1, 6, 5], [2, 3, 7], [2, 7, 6], [3, 0, 4], [3, 4, 7]];
  const facets = faces.map((f) => ` facet normal 0 0 0\n  outer loop\n${f.map((i) => `   vertex ${v[i]!.join(' ')}`).join('\n')}\n  endloop\n endfacet`);
  return `solid box\n${facets.join('\n')}\nendsolid box\n`;
}

/** Starts a host; binds the stand-in FileManager first when the real one is not there yet. */
export async function startHostWithFiles(options: TestHostOptions = {}): Promise<TestHost> {
  const t = await startTestHost({ ...options, noStart: true });
  if (!t.host.container.isBound(FileManager)) {
    t.host.container.bind(FileManager).toConstantValue(new StandInFileManager(t.host.settings.folder('uploads')) as unknown as FileManager);
  }
  await t.host.start();
  return t;
}

/** Collects every bus event from now on. */
export function record(bus: EventBus): AnyFiredEvent[] {
  const seen: AnyFiredEvent[] = [];
  bus.onAny((e) => void seen.push(e));
  return seen;
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

export async function api(t: TestHost, method: string, url: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; json: any; text: string; headers: Headers }> {
  const response = await fetch(`${t.baseUrl}${url}`, {
    method,
    headers: { 'X-Api-Key': t.apiKey, ...(body !== undefined ? { 'Content-Type': contentType } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, json, text, headers: response.headers };
}

/** Just enough of local storage for slicing: get, addFile, diskPath. */
class StandInFileManager {
  constructor(private readonly root: string) {}

  diskPath(p: string): string {
    const resolved = path.resolve(this.root, p);
    if (!resolved.startsWith(this.root + path.sep)) throw new Error('outside storage');
    return resolved;
  }

  async get(_origin: string, p: string): Promise<StoredFile | null> {
    const stat = await fs.stat(this.diskPath(p)).catch(() => null);
    if (!stat?.isFile()) return null;
    const model = /\.stl$/i.test(p);
    return {
      kind: 'file',
      origin: 'local',
      path: p,
      name: path.basename(p),
      typePath: model ? ['model', 'stl'] : ['machinecode', 'gcode'],
      size: stat.size,
      date: Math.floor(stat.mtimeMs / 1000),
    };
  }

  async addFile(_origin: string, p: string, content: Readable): Promise<StoredFile> {
    const file = this.diskPath(p);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await pipeline(content, createWriteStream(file));
    return (await this.get('local', p))!;
  }
}

/** Puts a file into local storage through whichever FileManager is bound. */
export async function storeFile(t: TestHost, p: string, text: string): Promise<void> {
  const { Readable } = await import('node:stream');
  await t.get<FileManager>(FileManager).addFile('local', p, Readable.from([Buffer.from(text)]), { overwrite: true });
}
