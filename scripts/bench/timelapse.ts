/**
 * `npx tsc -p . && node dist/scripts/bench/timelapse.js`: does a timelapse render slow a print down?
 * Prints the same line-bound job (simulator without motion time, so the host's throughput decides) a
 * few times (after a warm-up run) with nothing else running, then while ffmpeg renders a large frame set in the
 * background, then again after the render; also samples the event loop's delay in both phases. The last line is a JSON object.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Readable, Writable } from 'node:stream';
import YAML from 'yaml';
import { CuttleHost } from '../../core/host.js';
import { FileManager } from '../../core/files/file-manager.js';
import { PrinterService } from '../../core/printer/printer-service.js';
import { TimelapseService } from '../../core/timelapse/timelapse-service.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';

const LINES = Number(process.env['BENCH_LINES'] ?? 100_000);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const FRAMES = Number(process.env['BENCH_FRAMES'] ?? 300);

function job(lines: number): string {
  const out = ['G28', 'G90', 'M82', 'G92 E0'];
  let e = 0;
  for (let i = 0; out.length < lines; i++) {
    if (i % 50 === 0) out.push(`G1 Z${(0.2 + (i / 50) * 0.2).toFixed(2)} F600`);
    else out.push(`G1 X${(100 + (i % 37) * 1.37).toFixed(3)} Y${(100 + (i % 23) * 2.11).toFixed(3)} E${(e += 0.0321).toFixed(5)}`);
  }
  return out.join('\n') + '\n';
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const basedir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-bench-'));
  writeFileSync(
    path.join(basedir, 'config.yaml'),
    YAML.stringify({
      api: { key: 'BenchKey0123456789abcdefghijklmn' },
      logging: { level: 'warn' },
      serial: { port: 'virtual', temperatureInterval: 0, virtual: { speedFactor: 100, motion: false } },
    }),
  );
  const host = CuttleHost.create({ basedir, overrides: { 'server.port': 0 }, env: {}, logStream: new Writable({ write: (_c, _e, cb) => cb() }) });
  await host.start();
  const printer = host.get<PrinterRegistry>(PrinterRegistry).first()!.printer;
  const files = host.get<FileManager>(FileManager);
  const timelapse = host.get<PrinterRegistry>(PrinterRegistry).first()!.timelapse;
  await printer.connect({ port: 'virtual' });
  await files.addFile('local', 'bench.gcode', Readable.from([Buffer.from(job(LINES))]), { overwrite: true });
  const stored = await files.get('local', 'bench.gcode');

  const printOnce = async (): Promise<{ seconds: number; loopP99Ms: number }> => {
    const loop = monitorEventLoopDelay({ resolution: 5 });
    const ended = new Promise<void>((resolve) => {
      const sub = printer.onPrintEnded(() => {
        sub.dispose();
        resolve();
      });
    });
    loop.enable();
    const start = performance.now();
    await printer.selectFile({ origin: 'local', path: 'bench.gcode', name: 'bench.gcode', size: stored?.kind === 'file' ? stored.size : null, diskPath: files.diskPath('bench.gcode') }, true);
    await ended;
    loop.disable();
    return { seconds: (performance.now() - start) / 1000, loopP99Ms: loop.percentile(99) / 1e6 };
  };

  await printOnce(); // warm-up: JIT and file cache
  const idle = [];
  for (let i = 0; i < RUNS; i++) idle.push(await printOnce());

  const set = path.join(host.settings.folder('timelapseTmp'), 'bench_20260101000000');
  mkdirSync(set, { recursive: true });
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25', '-frames:v', String(FRAMES), '-q:v', '3', path.join(set, 'frame-%06d.jpg')]);
  let renderEnd = 0;
  const sub = timelapse.onMovieDone(() => (renderEnd = performance.now()));
  const renderStart = performance.now();
  await timelapse.render('bench_20260101000000');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const busy = [];
  let overlapped = 0;
  for (let i = 0; i < RUNS; i++) {
    busy.push(await printOnce());
    if (renderEnd === 0) overlapped++;
  }
  await timelapse.renderingIdle();
  sub.dispose();
  const after = [];
  for (let i = 0; i < RUNS; i++) after.push(await printOnce());
  const quiet = [...idle, ...after];

  const result = {
    lines: LINES,
    runs: RUNS,
    printSecondsIdle: Number(median(quiet.map((r) => r.seconds)).toFixed(3)),
    printSecondsBefore: Number(median(idle.map((r) => r.seconds)).toFixed(3)),
    printSecondsAfter: Number(median(after.map((r) => r.seconds)).toFixed(3)),
    printSecondsWhileRendering: Number(median(busy.map((r) => r.seconds)).toFixed(3)),
    slowdown: Number((median(busy.map((r) => r.seconds)) / median(quiet.map((r) => r.seconds))).toFixed(3)),
    loopP99MsIdle: Number(median(quiet.map((r) => r.loopP99Ms)).toFixed(1)),
    loopP99MsWhileRendering: Number(median(busy.map((r) => r.loopP99Ms)).toFixed(1)),
    printsOverlappingRender: overlapped,
    renderSeconds: Number(((renderEnd - renderStart) / 1000).toFixed(2)),
    frames: FRAMES,
    cpus: os.cpus().length,
    loadAverage1m: Number(os.loadavg()[0]!.toFixed(2)),
  };
  console.log(`print of ${LINES} lines: ${result.printSecondsIdle} s idle (median of before and after), ${result.printSecondsWhileRendering} s while rendering (${result.slowdown}×, ${overlapped}/${RUNS} runs overlapped the render)`);
  console.log(`event loop p99: ${result.loopP99MsIdle} ms idle, ${result.loopP99MsWhileRendering} ms while rendering; render of ${FRAMES} frames took ${result.renderSeconds} s`);
  console.log(JSON.stringify(result));
  await printer.disconnect();
  await host.stop();
  rmSync(basedir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
