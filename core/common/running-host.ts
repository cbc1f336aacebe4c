/**
 * Which `cuttle serve` runs on a basedir, and where: the server writes `<basedir>/host.json`
 * ({ pid, url }) once it listens and removes it when it exits. A CLI command that talks to the running
 * host reads it from there, never from config.yaml (the port may come from --port or the environment),
 * so the admin key only ever goes to the process that serves this basedir. A file left by a killed
 * host is recognised as stale: its pid is gone, or now belongs to another program.
 */
import fs from 'node:fs';
import path from 'node:path';
import { processAlive, writeFileAtomic } from './atomic-write.js';

export const RUNNING_HOST_FILE = 'host.json';

export interface RunningHost {
  pid: number;
  url: string;
  /** the process's /proc/<pid>/cmdline when it wrote the file (Linux), to tell a reused pid apart */
  cmdline?: string;
  startedAt: string;
}

function fileOf(basedir: string): string {
  return path.join(basedir, RUNNING_HOST_FILE);
}

function cmdlineOf(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
}

function isAlive(host: RunningHost): boolean {
  if (!processAlive(host.pid)) return false;
  if (host.cmdline === undefined) return true;
  const now = cmdlineOf(host.pid);
  return now === undefined || now === host.cmdline;
}

/** Records this process as the host of `basedir` (atomically: a reader sees the old file or the new one). */
export async function writeRunningHost(basedir: string, url: string): Promise<RunningHost> {
  const host: RunningHost = { pid: process.pid, url, cmdline: cmdlineOf(process.pid), startedAt: new Date().toISOString() };
  await writeFileAtomic(fileOf(basedir), `${JSON.stringify(host, null, 2)}\n`);
  return host;
}

/** Removes the record if it is this process's (synchronous: also called from the 'exit' handler). */
export function removeRunningHost(basedir: string): void {
  const current = readRecord(basedir);
  if (current?.pid !== process.pid) return;
  try {
    fs.unlinkSync(fileOf(basedir));
  } catch {
    // already gone
  }
}

function readRecord(basedir: string): RunningHost | undefined {
  let text: string;
  try {
    text = fs.readFileSync(fileOf(basedir), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as Partial<RunningHost>;
    if (typeof parsed.pid !== 'number' || typeof parsed.url !== 'string') return undefined;
    return parsed as RunningHost;
  } catch {
    return undefined;
  }
}

/** The live host serving `basedir`, or undefined when none does (no file, or a stale one). */
export function findRunningHost(basedir: string): RunningHost | undefined {
  const host = readRecord(basedir);
  return host && isAlive(host) ? host : undefined;
}
