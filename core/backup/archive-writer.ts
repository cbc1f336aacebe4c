/**
 * Writes a backup archive (./format.ts) from a plan (./plan.ts): the database snapshot first
 * (./snapshot.ts), then the basedir's files streamed through sha256 and gzip into a hidden partial
 * file, renamed into place only once complete, so a backup that fails leaves nothing that looks
 * like one. Streams chunk by chunk, with synchronous calls; the host runs this in a worker
 * (./backup-worker.ts) so that reads, hashing, compression and writes never hold up its event loop.
 * How far it got is the share of the files' bytes read, reported at each whole percent (OctoPrint's
 * `backup_progress` is the same share, reported per file).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { processAlive } from '../common/atomic-write.js';
import { BackupError, CONTENT_PREFIX, FORMAT, FORMAT_VERSION, HEADER_ENTRY, MANIFEST_ENTRY, type BackupHeader, type Manifest, type ManifestEntry } from './format.js';
import { RESTORE_LEFTOVER, type BackupPlan } from './plan.js';
import { snapshotDatabase } from './snapshot.js';
import { endOfArchive, fileHeader, padding } from './tar.js';

/** G-code and SQLite pages compress well even at the fastest level; higher ones cost far more CPU for little */
const GZIP_LEVEL = 1;
const CHUNK = 256 * 1024;
/** bytes per gzip member (./format.ts) */
const MEMBER = 1024 * 1024;

export interface BackupResult {
  file: string;
  bytes: number;
  entries: number;
  /** files left out: links and special files (a backup holds regular files only) */
  skipped: string[];
  notes: string[];
}

interface Source {
  file: string;
  /** path in the basedir */
  relative: string;
}

/** Told the share (0 to 1) of the files' bytes in the archive so far. */
export type BackupProgress = (fraction: number) => void;

interface ProgressCount {
  /** `bytes` more of the files are in the archive */
  add(bytes: number): void;
  /** every file is in (one deleted since it was measured never brought its bytes) */
  end(): void;
}

/**
 * Counts bytes towards `total` and tells `report` each time the count passes a whole percent: at most
 * 101 calls however many files and chunks (a file that grew since it was measured keeps it at 1).
 */
function percentSteps(total: number, report: BackupProgress): ProgressCount {
  let done = 0;
  let reported = -1;
  const reach = (percent: number) => {
    if (percent <= reported) return;
    reported = percent;
    report(percent / 100);
  };
  return {
    add: (bytes) => {
      done += bytes;
      reach(total === 0 ? 100 : Math.min(100, Math.floor((done * 100) / total)));
    },
    end: () => reach(100),
  };
}

/** The bytes of the files as they are now (one that is gone by now counts nothing: the archive will leave it out too). */
function sizeOf(files: readonly Source[]): number {
  let total = 0;
  for (const source of files) total += fs.statSync(source.file, { throwIfNoEntry: false })?.size ?? 0;
  return total;
}

/** The basedir's regular files in a stable order, without the plan's skipped paths; links and special files are reported, not followed. */
async function collect(plan: BackupPlan): Promise<{ files: Source[]; skipped: string[] }> {
  const skip = new Set(plan.skip.map((p) => path.resolve(p)));
  const files: Source[] = [];
  const skipped: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // removed meanwhile
      throw err;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const file = path.join(dir, entry.name);
      if (skip.has(file) || (dir === plan.basedir && RESTORE_LEFTOVER.test(entry.name))) continue;
      const relative = path.relative(plan.basedir, file).split(path.sep).join('/');
      if (entry.isDirectory()) await walk(file);
      else if (entry.isFile()) files.push({ file, relative });
      else skipped.push(relative);
    }
  };
  await walk(plan.basedir);
  return { files, skipped };
}

/**
 * The archive's bytes (before gzip), entry by entry; records each entry's hash in `manifest`. Reads
 * with synchronous calls: in the backup's thread they run at its nice 19 (./backup-worker.ts), where
 * promise-based ones would run on libuv's pool, at normal priority and in the way of the host's own
 * file operations.
 */
function* tarStream(header: BackupHeader, files: Source[], manifest: ManifestEntry[], count: ProgressCount): Generator<Buffer> {
  const now = Math.floor(Date.now() / 1000);
  function* small(name: string, data: Buffer): Generator<Buffer> {
    manifest.push({ path: name, size: data.length, sha256: createHash('sha256').update(data).digest('hex') });
    yield fileHeader(name, data.length, 0o600, now);
    yield data;
    yield padding(data.length);
  }
  yield* small(HEADER_ENTRY, Buffer.from(JSON.stringify(header, null, 2)));
  count.add(0);
  for (const source of files) {
    let fd: number;
    try {
      fd = fs.openSync(source.file, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // deleted since the walk: not part of the host any more
      throw err;
    }
    try {
      const stat = fs.fstatSync(fd);
      const name = CONTENT_PREFIX + source.relative;
      const hash = createHash('sha256');
      yield fileHeader(name, stat.size, stat.mode, Math.floor(stat.mtimeMs / 1000));
      // exactly the size the header announced: a file that grows meanwhile is cut there, one that shrinks fails the backup
      let done = 0;
      while (done < stat.size) {
        const buffer = Buffer.allocUnsafe(Math.min(CHUNK, stat.size - done));
        const bytesRead = fs.readSync(fd, buffer, 0, buffer.length, done);
        if (bytesRead === 0) throw new BackupError(`${source.relative} shrank while it was being backed up; try again`, 409);
        const chunk = bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
        hash.update(chunk);
        done += bytesRead;
        count.add(bytesRead);
        yield chunk;
      }
      yield padding(stat.size);
      manifest.push({ path: name, size: stat.size, sha256: hash.digest('hex') });
    } finally {
      fs.closeSync(fd);
    }
  }
  count.end();
  yield* small(MANIFEST_ENTRY, Buffer.from(JSON.stringify({ format: FORMAT, version: FORMAT_VERSION, entries: [...manifest] } satisfies Manifest)));
  yield endOfArchive();
}

/**
 * Compresses in this thread, as a series of gzip members of MEMBER bytes each (one valid .gz file:
 * gunzip reads them as one stream), rather than through zlib's stream, which would compress on
 * libuv's thread pool: the pool the host's own file reads wait for, and at normal priority, where
 * the backup's thread is niced (./backup-worker.ts).
 */
function* gzipMembers(source: Iterable<Buffer>): Generator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  for (const chunk of source) {
    parts.push(chunk);
    size += chunk.length;
    if (size >= MEMBER) {
      yield gzipSync(Buffer.concat(parts, size), { level: GZIP_LEVEL });
      parts = [];
      size = 0;
    }
  }
  if (size > 0) yield gzipSync(Buffer.concat(parts, size), { level: GZIP_LEVEL });
}

/**
 * The hidden files a backup to `output` writes before it is complete, named with the writer's pid:
 * removed at its end, or by `sweepPartials` once that process is gone (killed, or a host stopped mid-backup).
 */
function partialsOf(output: string): { partial: string; snapshot: string } {
  const hidden = path.join(path.dirname(output), `.${path.basename(output)}.${process.pid}`);
  return { partial: `${hidden}.partial`, snapshot: `${hidden}.db` };
}

/** Removes what unfinished backups of processes that are gone left in `dir`; the names removed. */
export async function sweepPartials(dir: string): Promise<string[]> {
  const names = (await fs.promises.readdir(dir).catch(() => [] as string[])).filter((name) => {
    const match = /^\.cuttle-backup-.*\.tar\.gz\.(\d+)\.(partial|db)$/.exec(name);
    return match !== null && !processAlive(Number(match[1]));
  });
  for (const name of names) await fs.promises.rm(path.join(dir, name), { force: true });
  return names;
}

/** Writes all of `data` at the file's end (a write may take less than it is given). */
function writeAll(fd: number, data: Buffer): void {
  for (let at = 0; at < data.length; ) at += fs.writeSync(fd, data, at);
}

/**
 * Writes the backup of `plan` to `output` (a new file; its folder must exist). The archive is read,
 * hashed, compressed and written synchronously, chunk by chunk: run it off the event loop that
 * matters (the host runs it in its backup thread; the CLI has nothing else to do meanwhile).
 * `progress` hears the share of the files' bytes written so far, from 0 to 1 at each whole percent.
 */
export async function writeBackup(plan: BackupPlan, output: string, progress: BackupProgress = () => undefined): Promise<BackupResult> {
  const { partial, snapshot } = partialsOf(output);
  try {
    const { files, skipped } = await collect(plan);
    if (plan.database) {
      await snapshotDatabase(plan.database.file, snapshot);
      files.push({ file: snapshot, relative: plan.database.relative.split(path.sep).join('/') });
    }
    files.push(...plan.extra);
    const header: BackupHeader = { format: FORMAT, version: FORMAT_VERSION, created: new Date().toISOString(), cuttleVersion: plan.cuttleVersion, excluded: plan.excluded };
    const manifest: ManifestEntry[] = [];
    // the archive holds keys and password hashes: only its owner may read it
    const fd = fs.openSync(partial, 'wx', 0o600);
    try {
      const count = percentSteps(sizeOf(files), progress);
      for (const member of gzipMembers(tarStream(header, files, manifest, count))) writeAll(fd, member);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    await fs.promises.rename(partial, output);
    return { file: output, bytes: (await fs.promises.stat(output)).size, entries: manifest.length, skipped, notes: plan.notes };
  } finally {
    await fs.promises.rm(partial, { force: true });
    await fs.promises.rm(snapshot, { force: true });
  }
}
