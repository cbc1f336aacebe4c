/**
 * The top of a V8 `.cpuprofile` (written by `node --cpu-prof`): self time by function, so a
 * benchmark can name the host's hot spots without opening a profiler.
 */
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface HotFunction {
  name: string;
  /** file:line, relative to `root` */
  where: string;
  selfMs: number;
  /** share of all sampled time, in % */
  pct: number;
}

/** Microseconds on the clock of V8's profiles (CLOCK_MONOTONIC, shared by the machine's processes) at a wall clock time in ms. */
export function profileClock(wallMs: number, nowWallMs: number): number {
  return wallMs * 1000 - (nowWallMs * 1000 - Number(process.hrtime.bigint() / 1000n));
}

/**
 * Self time by function (summed over the profile's nodes for that function), largest first; only
 * the samples inside `window` (profile clock µs, see profileClock) when given.
 */
export function topFunctions(file: string, count = 15, window?: [number, number], root = process.cwd()): HotFunction[] {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let at = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    at += deltas[i] ?? 0;
    if (window && (at < window[0] || at > window[1])) continue;
    // a sample's time is the delta to the next sample
    selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + (deltas[i + 1] ?? 0));
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, HotFunction>();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (!us) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.startsWith('file://') ? path.relative(root, url.slice(7)) : url;
    const where = file ? `${file}:${lineNumber + 1}` : '';
    const key = `${functionName}@${where}`;
    const entry = byFunction.get(key) ?? { name: functionName || '(anonymous)', where, selfMs: 0, pct: 0 };
    entry.selfMs += us / 1000;
    byFunction.set(key, entry);
  }
  return [...byFunction.values()]
    .map((f) => ({ ...f, pct: (f.selfMs * 100000) / total }))
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, count);
}
