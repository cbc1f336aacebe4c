/**
 * Part of the analysis benchmark: prints a small model (square perimeters and dense arcs of short
 * segments, travel between) on the in-process simulated printer with motion on, and compares the
 * analysis' time estimate with the time the print took there (scaled back by the speed factor).
 * The simulator moves every block at its feed rate without acceleration, so the figure without
 * acceleration is the like-for-like check of the parser; the one with acceleration is what the
 * estimate says a real (Marlin-like) printer needs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { FileManager } from '../../core/files/file-manager.js';
import { analyseFileSync } from '../../core/files/analysis/analyse-file.js';
import { CuttleHost } from '../../core/host.js';
import { PrinterService, type PrintEnd } from '../../core/printer/printer-service.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';

export interface Comparison {
  moves: number;
  speedFactor: number;
  simulatorSeconds: number;
  simulatorModelSeconds: number;
  estimateSeconds: number;
  estimateNoAccelSeconds: number;
  errorPercent: number;
  errorNoAccelPercent: number;
}

const SPEED_FACTOR = 10;

function model(): { text: string; moves: number; constantSpeedSeconds: number } {
  const lines = ['G21', 'G90', 'M83', 'G1 Z0.2 F600'];
  let seconds = 0.2 / 10;
  let x = 0;
  let y = 0;
  let z = 0.2;
  let moves = 1;
  const go = (nx: number, ny: number, feed: number, e: number | null) => {
    const d = Math.hypot(nx - x, ny - y);
    seconds += d / (feed / 60);
    x = nx;
    y = ny;
    moves++;
    lines.push(`G1 X${nx.toFixed(3)} Y${ny.toFixed(3)}${e === null ? '' : ` E${e.toFixed(4)}`} F${feed}`);
  };
  for (let layer = 0; layer < 12; layer++) {
    go(50, 50, 7800, null);
    for (const [px, py] of [[90, 50], [90, 90], [50, 90], [50, 50]] as const) go(px, py, 1800, 1.3);
    go(120, 100, 7800, null);
    for (let i = 1; i <= 360; i++) {
      const a = (i / 360) * Math.PI * 2;
      go(100 + 20 * Math.cos(a), 100 + 20 * Math.sin(a), 1500, 0.012);
    }
    z += 0.2;
    seconds += 0.2 / 10;
    moves++;
    lines.push(`G1 Z${z.toFixed(2)} F600`);
  }
  return { text: lines.join('\n') + '\n', moves, constantSpeedSeconds: seconds };
}

export async function compareWithSimulator(dir: string): Promise<Comparison> {
  const basedir = fs.mkdtempSync(path.join(dir, 'host-'));
  const { text, moves, constantSpeedSeconds } = model();
  const file = path.join(dir, 'compare.gcode');
  fs.writeFileSync(file, text);
  const estimate = analyseFileSync(file).estimatedPrintTime;
  const huge = 1e12;
  const estimateNoAccel = analyseFileSync(file, {
    limits: {
      printAcceleration: huge,
      travelAcceleration: huge,
      retractAcceleration: huge,
      maxAcceleration: { x: huge, y: huge, z: huge, e: huge },
      maxFeedrate: { x: huge, y: huge, z: huge, e: huge },
    },
  }).estimatedPrintTime;

  const host = CuttleHost.create({
    basedir,
    overrides: {
      'server.port': 0,
      'api.key': 'bench-key-0123456789abcdefghijkl',
      'logging.level': 'warn',
      'serial.port': 'virtual',
      'serial.virtual.speedFactor': SPEED_FACTOR,
      'serial.virtual.motion': true,
      'files.analysis.enabled': false,
    },
    env: {},
    logStream: new Writable({ write: (_c, _e, cb) => cb() }),
  });
  await host.start();
  try {
    const printer = host.get<PrinterRegistry>(PrinterRegistry).first()!.printer;
    const files = host.get<FileManager>(FileManager);
    await printer.connect({ port: 'virtual' });
    await files.addFile('local', 'compare.gcode', fs.createReadStream(file));
    const ended = new Promise<{ end: PrintEnd; time: number }>((resolve) => {
      const sub = printer.onPrintEnded((e) => {
        sub.dispose();
        resolve(e);
      });
    });
    await printer.selectFile(await files.jobFile('local', 'compare.gcode'), true);
    const { end, time } = await ended;
    if (end !== 'done') throw new Error(`the comparison print ended with ${end}`);
    await printer.disconnect();
    const simulatorSeconds = time * SPEED_FACTOR;
    return {
      moves,
      speedFactor: SPEED_FACTOR,
      simulatorSeconds,
      simulatorModelSeconds: constantSpeedSeconds,
      estimateSeconds: estimate,
      estimateNoAccelSeconds: estimateNoAccel,
      errorPercent: ((estimate - simulatorSeconds) / simulatorSeconds) * 100,
      errorNoAccelPercent: ((estimateNoAccel - simulatorSeconds) / simulatorSeconds) * 100,
    };
  } finally {
    await host.stop();
  }
}
