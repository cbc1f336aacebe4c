/**
 * `npm run bench:backup`: a backup and a restore of a large basedir (BENCH_UPLOAD_MB of G-code uploads,
 * 1024 by default, and BENCH_EVENTS events in the database, 1 000 000 by default).
 *  1. A whole host runs on the basedir and fires events at BENCH_RATE a second (1000; BENCH_PUMP below)
 *     to a subscriber that times each from fire to handler: the p99 without a backup, then while `BackupService.create`
 *     (what `POST /api/backup` calls) writes the archive. Goal: under 1 ms while the backup runs, so
 *     the backup must not hold up the event loop (it runs in a worker thread).
 *  2. The archive restored onto a new basedir (what `cuttle backup restore` does).
 * The uploads are G-code-like text with varying numbers, which compresses as real G-code does (not as
 * zeros would). The host analyses them when it starts (they were never uploaded through it); both
 * measurements wait until it has (BENCH_WAIT_ANALYSIS=0 measures meanwhile), so the figures are the
 * backup's and not the analysis's. Figures taken while other programs load the machine are provisional.
 * The last line is a JSON object: {"backup_s","restore_s","archive_mb","bus_p99_ms_during_backup", …}.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import 'reflect-metadata';
import { BackupService } from '../../core/backup/api.js';
import { restoreBackup } from '../../core/backup/restore.js';
import { backupsFolder } from '../../core/backup/plan.js';
import { HostDatabase } from '../../core/database/database.js';
import { createEventLogSchema } from '../../core/event-log/schema.js';
import { EventBus } from '../../core/events/event-bus.js';
import { CuttleHost } from '../../core/host.js';

const UPLOAD_MB = Number(process.env['BENCH_UPLOAD_MB'] ?? 1024);
const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 1_000_000);
const RATE = Number(process.env['BENCH_RATE'] ?? 1000);
const IDLE_SECONDS = Number(process.env['BENCH_IDLE_SECONDS'] ?? 3);
const WAIT_ANALYSIS = process.env['BENCH_WAIT_ANALYSIS'] !== '0';
/**
 * How the events are fired: `timer` (the default) fires the ones due every millisecond and sleeps in
 * between, as a host's event loop waits for serial lines and requests; `spin` re-checks without
 * sleeping (setImmediate), which keeps the main thread busy all the time, so that on a machine loaded
 * by other programs the scheduler preempts it mid-dispatch and the figure measures that load.
 */
const PUMP = process.env['BENCH_PUMP'] === 'spin' ? 'spin' : 'timer';
const FILE_MB = 16;
const KEY = 'BenchKey0123456789abcdefghijklmn';

const silent = new Writable({ write: (_c, _e, cb) => cb() });

/** One MiB of G-code lines with pseudo-random coordinates (a seeded generator: the same bytes every run). */
function gcodeBlock(seed: number): Buffer {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const lines: string[] = [];
  let size = 0;
  let e = 0;
  while (size < 1024 * 1024) {
    const line = `G1 X${(next() * 220).toFixed(3)} Y${(next() * 220).toFixed(3)} E${(e += next() * 0.05).toFixed(5)}\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, 1024 * 1024);
}

async function writeUploads(basedir: string): Promise<void> {
  const folder = path.join(basedir, 'uploads', 'bench');
  fs.mkdirSync(folder, { recursive: true });
  const blocks = [1, 2, 3, 4, 5, 6, 7].map(gcodeBlock);
  for (let written = 0, n = 0; written < UPLOAD_MB; n++) {
    const mb = Math.min(FILE_MB, UPLOAD_MB - written);
    const handle = await fs.promises.open(path.join(folder, `part-${String(n).padStart(4, '0')}.gcode`), 'w');
    for (let i = 0; i < mb; i++) await handle.write(blocks[(n + i) % blocks.length]!);
    await handle.close();
    written += mb;
  }
}

function insertEvents(host: CuttleHost): void {
  const db = host.get<HostDatabase>(HostDatabase).db;
  createEventLogSchema(db);
  const insert = db.prepare('INSERT INTO events (seq, type, printer, time, payload) VALUES (?, ?, ?, ?, ?)');
  const start = Date.now() - EVENTS * 100;
  for (let from = 1; from <= EVENTS; from += 100_000) {
    db.transaction(() => {
      for (let seq = from; seq < Math.min(from + 100_000, EVENTS + 1); seq++) {
        insert.run(seq, seq % 7 ? 'ZChange' : 'PrintProgress', '', start + seq * 100, `{"old":${((seq - 1) / 10).toFixed(1)},"new":${(seq / 10).toFixed(1)},"name":"part-${seq % 97}.gcode"}`);
      }
    })();
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
}

function p99(values: number[]): number {
  const sorted = Float64Array.from(values).sort();
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))]! : NaN;
}

/** Fires at RATE until `until` resolves; each event's fire-to-handler time, in ms. */
async function latenciesWhile(bus: EventBus, until: Promise<unknown>): Promise<number[]> {
  const firedAt = new Map<number, number>();
  const latencies: number[] = [];
  const subscription = bus.on('ZChange', (_payload, event) => {
    const at = firedAt.get(event.seq);
    if (at !== undefined) latencies.push(performance.now() - at);
    firedAt.delete(event.seq);
  }, { owner: 'bench' });
  let done = false;
  void until.finally(() => (done = true));
  const start = performance.now();
  let fired = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      const due = Math.floor(((performance.now() - start) / 1000) * RATE);
      while (fired < due) {
        fired++;
        firedAt.set(bus.lastSeq + 1, performance.now());
        bus.fire('ZChange', { old: fired - 1, new: fired });
      }
      if (done) resolve();
      else if (PUMP === 'spin') setImmediate(pump);
      else setTimeout(pump, 1);
    };
    pump();
  });
  await until;
  await bus.idle(10_000);
  subscription.dispose();
  return latencies;
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-bench-backup-'));
  const basedir = path.join(work, 'host');
  fs.mkdirSync(basedir);
  fs.writeFileSync(path.join(basedir, 'config.yaml'), `api:\n  key: ${KEY}\n`);
  try {
    console.log(`writing ${UPLOAD_MB} MB of uploads and ${EVENTS} events …`);
    await writeUploads(basedir);
    const host = CuttleHost.create({ basedir, overrides: { 'server.port': 0, 'server.host': '127.0.0.1', 'events.subscriberQueueLimit': 1_000_000 }, env: {}, logStream: silent });
    insertEvents(host);
    const bus = host.get<EventBus>(EventBus);
    let analysed = 0;
    const analyses = bus.on('MetadataAnalysisFinished', () => void analysed++, { owner: 'bench' });
    await host.start();
    if (WAIT_ANALYSIS) {
      const files = Math.ceil(UPLOAD_MB / FILE_MB);
      const t = performance.now();
      while (analysed < files) await new Promise((resolve) => setTimeout(resolve, 100));
      console.log(`the host analysed the ${files} uploads in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    analyses.dispose();
    const backups = host.get<BackupService>(BackupService);

    let timer: NodeJS.Timeout | undefined;
    const idle = p99(await latenciesWhile(bus, new Promise((resolve) => (timer = setTimeout(resolve, IDLE_SECONDS * 1000)))));
    clearTimeout(timer);
    console.log(`bus p99 without a backup: ${idle.toFixed(3)} ms (${RATE} events/s)`);

    // the event loop's own delay beside the bus figure: a machine that other programs load delays both
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const t0 = performance.now();
    const creating = backups.create([]);
    const during = await latenciesWhile(bus, creating);
    const backupS = (performance.now() - t0) / 1000;
    loop.disable();
    const created = await creating;
    const archive = path.join(backupsFolder(host.settings), created.name);
    const archiveMb = created.bytes / 1024 / 1024;
    console.log(`backup: ${backupS.toFixed(2)} s, ${archiveMb.toFixed(1)} MB, bus p99 ${p99(during).toFixed(3)} ms over ${during.length} events`);
    await host.stop();

    const t1 = performance.now();
    const restored = await restoreBackup(archive, path.join(work, 'restored'));
    const restoreS = (performance.now() - t1) / 1000;
    console.log(`restore: ${restoreS.toFixed(2)} s, ${restored.entries} entries`);
    console.log(
      JSON.stringify({
        backup_s: +backupS.toFixed(2),
        restore_s: +restoreS.toFixed(2),
        archive_mb: +archiveMb.toFixed(1),
        bus_p99_ms_during_backup: +p99(during).toFixed(3),
        bus_p99_ms_without_backup: +idle.toFixed(3),
        loop_delay_p99_ms_during_backup: +(loop.percentile(99) / 1e6).toFixed(3),
        upload_mb: UPLOAD_MB,
        analysis_during_backup: !WAIT_ANALYSIS,
        pump: PUMP,
        events: EVENTS,
        cpus: os.cpus().length,
        loadavg: +os.loadavg()[0]!.toFixed(1),
      }),
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
