/**
 * Parsers for what a Marlin-like firmware writes back: "ok", resend requests, temperature reports,
 * M114 positions, M115 firmware data and capabilities, busy keep-alives, host actions and errors.
 * Pure functions: the protocol and the service decide what a parsed line means for them.
 */
import type { TemperatureReading } from '../printer-service.js';

export function isOk(line: string): boolean {
  return line.startsWith('ok') && (line.length === 2 || line[2] === ' ' || line[2] === ':');
}

/** "Resend: 12", "Resend:N12", "rs N12", "rs 12" → 12 */
export function parseResend(line: string): number | null {
  const c = line.charCodeAt(0) | 32;
  if (c !== 114 /* r */) return null;
  const match = /^(?:resend|rs)\s*:?\s*N?:?\s*(\d+)/i.exec(line);
  return match ? Number(match[1]) : null;
}

/** Repetier's "wait": its command queue has been empty for a second. */
export function isWait(line: string): boolean {
  return line === 'wait';
}

/** "start": the board has just (re)booted, and its line counter is 0 again. */
export function isResetBanner(line: string): boolean {
  return line.trim() === 'start';
}

const TEMPERATURE_ONLY = /^\s*(?:T\d*|B):\s*-?\d/;

/**
 * Lines a firmware writes on its own, whatever the host sent: temperature auto-reports, "echo:"
 * messages, Klipper's "// " messages, warnings, Repetier's "wait", blank lines. They prove the
 * board is alive, not that it is working on our commands.
 */
export function isChatter(line: string): boolean {
  if (line.length === 0) return true;
  switch (line.charCodeAt(0)) {
    case 101 /* e */:
      return line.startsWith('echo:') && !isBusy(line);
    case 47 /* / */:
      return line.startsWith('//');
    case 119 /* w */:
    case 87 /* W */:
      return line === 'wait' || /^warning:/i.test(line);
    default:
      return TEMPERATURE_ONLY.test(line);
  }
}

const TEMPERATURE = /(?:^|\s)(T\d*|B|C)\s*:\s*(-?\d+(?:\.\d+)?)(?:\s*\/\s*(-?\d+(?:\.\d+)?))?/g;

/**
 * Heaters in a report such as "ok T:210.0 /210.0 B:60.1 /60.0 T0:210.0 /210.0 T1:25.0 /0.0 @:127".
 * Keys: tool0, tool1, …, bed, chamber. A plain "T" is the active tool and only counts when no "T0"
 * is present. Null when the line carries no temperatures.
 */
export function parseTemperatures(line: string): Record<string, TemperatureReading> | null {
  if (!line.includes(':')) return null;
  const heaters: Record<string, TemperatureReading> = {};
  let plainTool: TemperatureReading | null = null;
  for (const match of line.matchAll(TEMPERATURE)) {
    const reading = { actual: Number(match[2]), target: match[3] === undefined ? null : Number(match[3]) };
    const key = match[1]!;
    if (key === 'T') plainTool = reading;
    else if (key === 'B') heaters.bed = reading;
    else if (key === 'C') heaters.chamber = reading;
    else heaters[`tool${key.slice(1)}`] = reading;
  }
  if (plainTool && !('tool0' in heaters)) heaters.tool0 = plainTool;
  return Object.keys(heaters).length ? heaters : null;
}

export interface ReportedPosition {
  x: number;
  y: number;
  z: number;
  e: number;
}

/** "X:10.00 Y:20.00 Z:0.30 E:1.20 Count X:800 Y:1600 Z:120" → the first (logical) coordinates. */
export function parsePosition(line: string): ReportedPosition | null {
  const match = /X:\s*(-?[\d.]+)\s+Y:\s*(-?[\d.]+)\s+Z:\s*(-?[\d.]+)\s+E\d?:\s*(-?[\d.]+)/.exec(line);
  if (!match) return null;
  return { x: Number(match[1]), y: Number(match[2]), z: Number(match[3]), e: Number(match[4]) };
}

/** "FIRMWARE_NAME:Marlin 2.1 SOURCE_CODE_URL:… EXTRUDER_COUNT:1" → { FIRMWARE_NAME: 'Marlin 2.1', … } */
export function parseFirmwareInfo(line: string): Record<string, string> | null {
  if (!line.startsWith('FIRMWARE_NAME:')) return null;
  const info: Record<string, string> = {};
  const keys = [...line.matchAll(/([A-Z_]+):/g)];
  keys.forEach((match, i) => {
    const start = match.index + match[0].length;
    const end = i + 1 < keys.length ? keys[i + 1]!.index : line.length;
    // Smoothieware separates its fields with ", "
    info[match[1]!] = line.slice(start, end).trim().replace(/,$/, '');
  });
  return info;
}

/** "Cap:AUTOREPORT_TEMP:1" → ['AUTOREPORT_TEMP', true] */
export function parseCapability(line: string): [string, boolean] | null {
  const match = /^Cap:([A-Z0-9_]+):([01])/.exec(line);
  return match ? [match[1]!, match[2] === '1'] : null;
}

/** "//action:pause" → 'pause' (any action name, with its optional argument dropped) */
export function parseHostAction(line: string): string | null {
  const match = /^\/\/\s*action:\s*(\w+)/.exec(line);
  return match ? match[1]! : null;
}

/**
 * "Error: No Line Number with checksum, Last Line: N": a line arrived without its number (line
 * noise ate the "N") and was thrown away. Unlike the other transmission errors, a firmware may
 * follow it with neither "Resend" nor "ok" (OctoPrint's virtual printer does; Marlin sends both).
 */
export function parseLineNumberLost(line: string): { lastLine: number | null } | null {
  if (!/^(?:Error:|!!).*no line number with checksum/i.test(line)) return null;
  const last = /Last Line:\s*(\d+)/i.exec(line);
  return { lastLine: last ? Number(last[1]) : null };
}

export function isBusy(line: string): boolean {
  return /^(?:echo:)?busy:/.test(line);
}

/**
 * The text of an "Error:" or "!!" line, and whether it only concerns a line the firmware will ask
 * to have resent (checksum, line number): those are part of normal flow control, not failures.
 */
export function parseError(line: string): { message: string; transmission: boolean } | null {
  const match = /^(?:Error:|!!)\s*(.*)$/.exec(line);
  if (!match) return null;
  const message = match[1]!.trim();
  const transmission = /checksum|line number|expected line|no line number|missing checksum|format error/i.test(message);
  return { message, transmission };
}
