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

/** Self time by function (summed over the profile's nodes for that function), largest first. */
export function topFunctions(file: string, count = 15, root = process.cwd()): HotFunction[] {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // a sample's time is the delta to the next sample
  for (let i = 0; i < samples.length; i++) selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + (deltas[i + 1] ?? 0));
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
