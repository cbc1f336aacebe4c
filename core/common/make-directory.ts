/**
 * `mkdir -p` that always ends. Node's `mkdir(dir, { recursive: true })` reads ENOENT as "the parent
 * is missing", makes the parent (EEXIST: fine) and tries again, for ever, at full CPU, where a
 * folder exists but cannot hold the child: a dangling symbolic link (a basedir on a USB stick that
 * is not mounted) or a path under /proc. The sync form froze the event loop, so even SIGTERM went
 * unanswered. Here the missing folders are found first (stat follows links), then made one by one:
 * each level is tried once and its error is the answer.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The folders of `dir` that do not exist (outermost first) up to the first that does, and what that one is. */
interface Walk {
  missing: string[];
  existing: fs.Stats | undefined;
}

/** One step of the walk up: records `current`'s stat, and gives the next folder to stat, if any. */
function walkedTo(walk: Walk, current: string, stat: fs.Stats | undefined): string | undefined {
  walk.existing = stat;
  if (stat || path.dirname(current) === current) return undefined;
  walk.missing.unshift(current);
  return path.dirname(current);
}

/** The folder's stat (following links), or undefined for any failure: making it then says why. */
function statOrNone(folder: string): fs.Stats | undefined {
  try {
    return fs.statSync(folder);
  } catch {
    return undefined;
  }
}

function isDirectory(folder: string): boolean {
  return statOrNone(folder)?.isDirectory() ?? false;
}

/** Says what an EEXIST on a folder that is not one means: a file, or a link to nothing. */
function explained(err: NodeJS.ErrnoException, folder: string): Error {
  if (err.code !== 'EEXIST') return err;
  const link = fs.lstatSync(folder, { throwIfNoEntry: false })?.isSymbolicLink();
  const why = link ? `is a symbolic link to ${fs.readlinkSync(folder)}, which does not exist` : 'is a file, not a folder';
  return Object.assign(new Error(`cannot make the folder ${folder}: it ${why}`), { code: err.code, path: folder });
}

/** `dir` itself exists: it must be a folder. */
function checkExisting(dir: string, walk: Walk): void {
  if (walk.missing.length === 0 && walk.existing && !walk.existing.isDirectory()) throw explained(Object.assign(new Error('EEXIST'), { code: 'EEXIST' }), path.resolve(dir));
}

/** After a failed mkdir of `folder`: fine when another writer made it meanwhile, else the reason. */
function raced(err: unknown, folder: string): void {
  if ((err as NodeJS.ErrnoException).code === 'EEXIST' && isDirectory(folder)) return;
  throw explained(err as NodeJS.ErrnoException, folder);
}

/**
 * Makes `dir` and its missing parents; returns the first folder made (undefined when `dir` existed),
 * as `mkdirSync(dir, { recursive: true })` does.
 */
export function makeDirectorySync(dir: string, mode?: number): string | undefined {
  const walk: Walk = { missing: [], existing: undefined };
  for (let at: string | undefined = path.resolve(dir); at; ) at = walkedTo(walk, at, statOrNone(at));
  checkExisting(dir, walk);
  for (const folder of walk.missing) {
    try {
      fs.mkdirSync(folder, { mode });
    } catch (err) {
      raced(err, folder);
    }
  }
  return walk.missing[0];
}

/** `makeDirectorySync`, without blocking the event loop. */
export async function makeDirectory(dir: string, mode?: number): Promise<string | undefined> {
  const walk: Walk = { missing: [], existing: undefined };
  for (let at: string | undefined = path.resolve(dir); at; ) at = walkedTo(walk, at, await fs.promises.stat(at).catch(() => undefined));
  checkExisting(dir, walk);
  for (const folder of walk.missing) {
    try {
      await fs.promises.mkdir(folder, { mode });
    } catch (err) {
      raced(err, folder);
    }
  }
  return walk.missing[0];
}
