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
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Each sample inside `window` (all when none), with its time in µs (the delta to the next sample). */
function forEachSample(profile: Profile, window: [number, number] | undefined, each: (node: number, us: number) => void): void {
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let at = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    at += deltas[i] ?? 0;
    if (window && (at < window[0] || at > window[1])) continue;
    each(samples[i]!, deltas[i + 1] ?? 0);
  }
}

/**
 * Time by area (`core/<service>`, `plugins/<plugin>`, or a package under node_modules): each sample
 * goes to the innermost frame of the project's code on its stack, so a library's or node's time
 * counts for the service that called it; `(idle)` and `(gc)` apart. In ms, largest first.
 */
export function timeByArea(file: string, window?: [number, number]): { area: string; ms: number }[] {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const areaOf = new Map<number, string>();
  const area = (leaf: number): string => {
    const known = areaOf.get(leaf);
    if (known) return known;
    const name = nodes.get(leaf)!.callFrame.functionName;
    let found = name === '(idle)' ? '(idle)' : name === '(garbage collector)' ? '(gc)' : '';
    for (let id: number | undefined = leaf; !found && id !== undefined; id = parent.get(id)) {
      const match = /\/dist\/((?:core|plugins)\/[^/]+)/.exec(nodes.get(id)!.callFrame.url);
      if (match) found = match[1]!.replace(/\.js$/, '');
    }
    if (!found) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(nodes.get(leaf)!.callFrame.url);
      found = pkg ? pkg[1]! : '(node, no project frame)';
    }
    areaOf.set(leaf, found);
    return found;
  };
  const us = new Map<string, number>();
  forEachSample(profile, window, (node, time) => us.set(area(node), (us.get(area(node)) ?? 0) + time));
  return [...us].map(([name, time]) => ({ area: name, ms: time / 1000 })).sort((a, b) => b.ms - a.ms);
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
  forEachSample(profile, window, (node, us) => selfUs.set(node, (selfUs.get(node) ?? 0) + us));
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
