/**
 * Helpers for the timelapse tests: what ffprobe says of a movie, G-code with layer changes, and
 * printing it on the simulated printer (the timelapse reacts to the printer's own signals).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { FileManager } from '../../core/files/file-manager.js';
import { PrinterService } from '../../core/printer/printer-service.js';
import type { TestHost } from '../support/host.js';
import { storeFile } from '../slicing/support.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';

/** Frame count (decoded), duration and width of a movie's video stream. */
export function probe(movie: string): { frames: number; duration: number; width: number } {
  const out = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames,width:format=duration', '-of', 'json', movie]);
  const json = JSON.parse(out.toString()) as { streams: { nb_read_frames: string; width: number }[]; format: { duration: string } };
  return { frames: Number(json.streams[0]!.nb_read_frames), duration: Number(json.format.duration), width: json.streams[0]!.width };
}

/** `layers` Z changes, each followed by an extruding move and a dwell of `dwellMs`; `leadMs` of dwell before the first. */
export function layerGcode(layers: number, options: { dwellMs?: number; leadMs?: number } = {}): string {
  // homing first: the head's Z is known (0) whatever the previous print left
  const lines = ['G28', 'G90', 'M82', 'G92 E0'];
  if (options.leadMs) lines.push(`G4 P${options.leadMs}`);
  for (let layer = 1; layer <= layers; layer++) {
    lines.push(`G1 Z${(layer * 0.2).toFixed(2)} F600`, `G1 X${10 + layer} Y10 E${layer} F3000`);
    if (options.dwellMs) lines.push(`G4 P${options.dwellMs}`);
  }
  if (layers === 0) lines.push(`G4 P${options.dwellMs ?? 10}`);
  return lines.join('\n') + '\n';
}

/** Stores `gcode` as `name` and starts printing it on the connected simulator. */
export async function printGcode(t: TestHost, name: string, gcode: string): Promise<void> {
  await storeFile(t, name, gcode);
  const files = t.get<FileManager>(FileManager);
  const printer = t.get<PrinterRegistry>(PrinterRegistry).first()!.printer;
  await printer.selectFile({ origin: 'local', path: name, name: path.posix.basename(name), size: Buffer.byteLength(gcode), diskPath: files.diskPath(name) }, true);
}

/** Counts the moves the printer sent that changed Z, from now on. */
export function zChanges(t: TestHost): { count: number; times: number[]; dispose(): void } {
  const seen = { count: 0, times: [] as number[], dispose: () => sub.dispose() };
  const sub = t.get<PrinterRegistry>(PrinterRegistry).first()!.printer.onCommandSent((sent) => {
    if (!sent.zChange) return;
    seen.count++;
    seen.times.push(Date.now());
  });
  return seen;
}
