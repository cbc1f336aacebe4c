/**
 * Benchmark of the G-code analysis (`npm run bench:analysis`): writes a 50 MB file of dense short
 * segments (a finely sliced curved model: circles of 720 segments per layer), analyses it through the
 * worker-thread queue the server uses, and samples the main thread's event-loop delay meanwhile.
 * Prints MB/s and the loop delay p99. Then (unless --no-printer) prints a smaller model on the
 * simulated printer and compares the estimate with the simulator's motion time. The last line is a
 * JSON object.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { AnalysisQueue } from '../../core/files/analysis/analysis-queue.js';
import { compareWithSimulator, type Comparison } from './analysis-vs-simulator.js';

const TARGET_BYTES = Number(process.env.BENCH_MB ?? 50) * 1024 * 1024;

function writeCurvedModel(file: string): number {
  const out = fs.openSync(file, 'w');
  const lines: string[] = ['M82', 'G21', 'G90', 'M204 P1500 T3000', 'G28', 'G92 E0'];
  let size = 0;
  let e = 0;
  let layer = 0;
  const flush = () => {
    const text = lines.join('\n') + '\n';
    fs.writeSync(out, text);
    size += Buffer.byteLength(text);
    lines.length = 0;
  };
  while (size < TARGET_BYTES) {
    layer++;
    const z = (layer * 0.2).toFixed(2);
    lines.push(`;LAYER:${layer}`, `G1 Z${z} F7800`);
    const r = 30 + 10 * Math.sin(layer / 20);
    for (let i = 0; i <= 720; i++) {
      const a = (i / 720) * Math.PI * 2;
      const x = 100 + r * Math.cos(a);
      const y = 100 + r * Math.sin(a);
      e += 0.0087;
      lines.push(`G1 X${x.toFixed(3)} Y${y.toFixed(3)} E${e.toFixed(5)}${i === 0 ? ' F1800' : ''}`);
    }
    lines.push('G1 E' + (e - 0.8).toFixed(5) + ' F2100', 'G1 E' + e.toFixed(5));
    flush();
  }
  fs.closeSync(out);
  return size;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-bench-'));
  const file = path.join(dir, 'curved.gcode');
  try {
    const bytes = writeCurvedModel(file);
    const queue = new AnalysisQueue();
    // warm the worker up so its start-up is not counted as analysis time
    const tiny = path.join(dir, 'tiny.gcode');
    fs.writeFileSync(tiny, 'G1 X1 E1\n');
    await queue.analyse({ file: tiny, options: {} });

    const histogram = monitorEventLoopDelay({ resolution: 1 });
    let progressMessages = 0;
    histogram.enable();
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    const result = await queue.analyse({ file, options: {}, onProgress: () => progressMessages++ });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    // CPU time of the whole process (worker included): a figure less sensitive to a busy machine
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    histogram.disable();
    await queue.dispose();

    const mb = bytes / (1024 * 1024);
    const mbPerS = mb / seconds;
    const p99 = histogram.percentile(99) / 1e6;
    console.log(`file: ${mb.toFixed(1)} MB, ${result.layerCount} layers, estimated ${(result.estimatedPrintTime / 3600).toFixed(2)} h`);
    console.log(`analysis: ${seconds.toFixed(3)} s = ${mbPerS.toFixed(1)} MB/s wall clock (${progressMessages} progress messages)`);
    console.log(`cpu: ${cpuSeconds.toFixed(3)} s = ${(mb / cpuSeconds).toFixed(1)} MB per CPU second; load average ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} cores`);
    console.log(`main loop delay: p50 ${(histogram.percentile(50) / 1e6).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${(histogram.max / 1e6).toFixed(2)} ms`);
    let comparison: Comparison | undefined;
    if (!process.argv.includes('--no-printer')) {
      comparison = await compareWithSimulator(dir);
      console.log(
        `estimate vs simulated printer (${comparison.moves} moves, speed factor ${comparison.speedFactor}): simulator ${comparison.simulatorSeconds.toFixed(1)} s, ` +
          `its constant-speed model ${comparison.simulatorModelSeconds.toFixed(1)} s; ` +
          `our estimate with acceleration ${comparison.estimateSeconds.toFixed(1)} s (${comparison.errorPercent.toFixed(1)} %), ` +
          `without acceleration ${comparison.estimateNoAccelSeconds.toFixed(1)} s (${comparison.errorNoAccelPercent.toFixed(1)} %)`,
      );
    }
    console.log(
      JSON.stringify({
        mb_per_s: Number(mbPerS.toFixed(1)),
        loop_p99_ms: Number(p99.toFixed(2)),
        mb_per_cpu_s: Number((mb / cpuSeconds).toFixed(1)),
        load_avg: Number(os.loadavg()[0]!.toFixed(2)),
        ...(comparison
          ? {
              sim_s: Number(comparison.simulatorSeconds.toFixed(2)),
              estimate_s: Number(comparison.estimateSeconds.toFixed(2)),
              estimate_error_pct: Number(comparison.errorPercent.toFixed(2)),
              estimate_no_accel_error_pct: Number(comparison.errorNoAccelPercent.toFixed(2)),
            }
          : {}),
      }),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
