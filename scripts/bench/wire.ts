/**
 * What the benchmarks that stream to a simulated printer share: the typical G-code file, the 8N1
 * wire-limit arithmetic, and reading the simulator's records (`--ok-gaps`, `--wire-log`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { frame } from '../../core/printer/protocol/gcode.js';

/** Extrusion moves as a slicer writes them, ~42 bytes each once framed as `N<n> …*<cs>`; another `origin` gives other lines (a warm-up print told apart on the wire). */
export function typicalFile(dir: string, count: number, name = 'bench.gcode', origin = { x: 80, y: 75 }): { file: string; lines: string[]; framedBytes: number } {
  const lines: string[] = [];
  let e = 0;
  for (let i = 0; i < count; i++) {
    e += 0.031273;
    lines.push(`G1 X${(origin.x + ((i * 7) % 61) * 1.137).toFixed(3)} Y${(origin.y + ((i * 11) % 53) * 1.291).toFixed(3)} E${(100 + e).toFixed(5)}`);
  }
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const framedBytes = lines.reduce((sum, line, i) => sum + frame(i + 2, line).length + 1, 0);
  return { file, lines, framedBytes };
}

/**
 * Lines a second a serial line can carry at `baud` (8N1: 10 bits a byte, baud/10 bytes a second in
 * each direction). Full duplex: the busier direction bounds it, which a host with several commands
 * in flight can approach. Half duplex: both directions' bytes added up, which bounds a host with one
 * command in flight (the line and its "ok" cannot overlap on the wire).
 */
export function wireLimits(baud: number, sentPerLine: number, receivedPerLine: number): { fullDuplex: number; halfDuplex: number } {
  const bytesPerSecond = baud / 10;
  return { fullDuplex: bytesPerSecond / Math.max(sentPerLine, receivedPerLine), halfDuplex: bytesPerSecond / (sentPerLine + receivedPerLine) };
}

/** The simulator's record of how long each "ok" waited for the next line (`--ok-gaps`). */
export interface OkGap {
  /** when the "ok" left the printer and when the next line arrived, ms since the epoch */
  ok: number;
  at: number;
  ms: number;
}

/** The gaps that fell inside a print's window (ms since the epoch), in ms. */
export function gapsInside(gaps: OkGap[], [from, to]: [number, number]): number[] {
  // an "ok" from before the print (the handshake's) answered by its first line is no gap
  return gaps.filter((g) => g.ok >= from && g.at <= to).map((g) => g.ms);
}

/** The q-quantile (0..1) of `values` (NaN when empty). */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
}

/** The simulator's record of every line from the host (`--wire-log`). */
export interface WireSample {
  at: number;
  line: string;
  /** bytes received from the host so far, this line included */
  in: number;
  /** bytes sent to the host so far */
  out: number;
}

/** A print as the printer saw it: from the arrival of its first line to that of its last. */
export interface PrintOnWire {
  window: [number, number];
  /** lines of the print that arrived (more than the file's when lines were sent again) */
  lines: number;
  linesPerSecond: number;
  sentPerLine: number;
  receivedPerLine: number;
}

/** A line of the wire log without its framing (`N<n> …*<cs>`): the command as the file has it. */
export function unframed(sample: WireSample): string {
  return sample.line.replace(/^N\d+ /, '').replace(/\*\d+$/, '');
}

/** The print's lines in a wire log are those `isPrintLine` accepts (given the command without its framing). */
export function printOnWire(log: WireSample[], isPrintLine: (command: string) => boolean): PrintOnWire {
  const lines = log.filter((w) => isPrintLine(unframed(w)));
  if (lines.length < 2) throw new Error(`the printer received ${lines.length} lines of the print`);
  const first = lines[0]!;
  const last = lines[lines.length - 1]!;
  const intervals = lines.length - 1;
  const seconds = (last.at - first.at) / 1000;
  return {
    window: [first.at, last.at],
    lines: lines.length,
    linesPerSecond: intervals / seconds,
    // between the two arrivals: the lines after the first (by the host) and the answers to all but the last (by the printer)
    sentPerLine: (last.in - first.in) / intervals,
    receivedPerLine: (last.out - first.out) / intervals,
  };
}

export function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}
