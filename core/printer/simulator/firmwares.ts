/**
 * How each firmware family the simulated printer can play talks on the wire, as a table. The
 * texts follow each project's sources and documentation:
 * - Marlin 2.x and 1.1: "Error:<problem>, Last Line: N", "Resend: N", "ok" (or ADVANCED_OK's
 *   "ok N<line> P<planner> B<buffer>"), "echo:busy: processing", `echo:Unknown command: "X"`.
 * - Prusa-Firmware (MK3): Marlin 1.x's texts, its own M115 (FIRMWARE_URL, "based on Marlin"),
 *   unknown commands answered `echo:Unknown command: "X"(2)`, temperature reports with P: and A:.
 * - Repetier-Firmware: "ok N" (ACK_WITH_LINENUMBER), a blank line then "Resend:N" (or "rs N"),
 *   "skip N" + "ok" for a line it already has, "wait" once a second while its queue is empty,
 *   "busy:processing" without "echo:".
 * - RepRapFirmware: "FIRMWARE_NAME: RepRapFirmware for Duet …" with spaces, line numbers
 *   optional (checked when sent), "rs N" for a damaged line, unsupported commands reported as
 *   "Error: …" and then "ok".
 * - Smoothieware: no line numbers or checksums (stripped if sent), "ok" only, "!!" once halted.
 * - Klipper (its virtual serial port): line numbers and checksums ignored, "ok" with no number,
 *   "// " messages, "!! <reason>" followed by "ok" for a command it cannot run.
 */
import type { FirmwareId } from '../protocol/dialects.js';

export interface SimulatedFirmware {
  banner: readonly string[];
  /** M115's first line */
  info: (extruders: number) => string;
  /** M115 lists "Cap:" lines */
  capabilities: boolean;
  /** ADVANCED_OK can be switched on */
  advancedOk: boolean;
  /** "ok" for an accepted numbered line */
  ok: (line: number) => string;
  /** lines after a refused line: the error text comes from `problem` */
  reject: (problem: string, lastLine: number, resendBeforeError: boolean) => string[];
  problem: Record<RejectReason, string>;
  /** checks N and checksums when a line carries them */
  checksLines: boolean;
  /** a numbered line it already executed: answered without running it again (Repetier) */
  skipsRepeats: boolean;
  /** "wait" once a second while the queue is empty (Repetier) */
  idleWait: boolean;
  /**
   * the board talks native USB, so a reboot drops the connection rather than printing a banner
   * (Duet, Smoothieboard; Klipper's host process recreates its pty)
   */
  rebootDisconnects: boolean;
  busy: string;
  unknown: (command: string) => string[];
  /** what the halted board answers to every line */
  halted: string;
  temperatureExtras: string;
  /** M154 position auto-report (Marlin 2's AUTO_REPORT_POSITION) */
  positionAutoreport: boolean;
  /** M503's answer (the stored settings); empty where the firmware has no such report */
  settings: readonly string[];
}

export type RejectReason = 'checksum' | 'missingChecksum' | 'lineNumber';

const marlinProblems: Record<RejectReason, string> = {
  checksum: 'checksum mismatch',
  missingChecksum: 'No Checksum with line number',
  lineNumber: 'Line Number is not Last Line Number+1',
};

function marlinReject(problem: string, lastLine: number, resendBeforeError: boolean): string[] {
  const error = `Error:${problem}, Last Line: ${lastLine}`;
  const resend = `Resend: ${lastLine + 1}`;
  return resendBeforeError ? [resend, error, 'ok'] : [error, resend, 'ok'];
}

const marlin2: SimulatedFirmware = {
  banner: ['start', 'echo:Marlin 2.1.2.1 (cuttle virtual printer)', 'echo: Last Updated: 2023-07-22 | Author: (cuttle)', 'echo:SD card ok'],
  info: (extruders) =>
    `FIRMWARE_NAME:Marlin 2.1.2.1 (cuttle virtual printer) SOURCE_CODE_URL:github.com/MarlinFirmware/Marlin PROTOCOL_VERSION:1.0 MACHINE_TYPE:Cuttle Virtual EXTRUDER_COUNT:${extruders} UUID:cede2a2f-41a2-4748-9b12-c55c62f367ff`,
  capabilities: true,
  advancedOk: true,
  ok: () => 'ok',
  reject: (problem, last, before) => marlinReject(problem, last, before),
  problem: marlinProblems,
  checksLines: true,
  skipsRepeats: false,
  idleWait: false,
  rebootDisconnects: false,
  busy: 'echo:busy: processing',
  unknown: (command) => [`echo:Unknown command: "${command}"`],
  halted: 'Error:Printer halted. kill() called!',
  temperatureExtras: ' @:0 B@:0',
  positionAutoreport: true,
  // Marlin's report: units/s and units/s², each command behind an "echo:" comment line
  settings: [
    'echo:; Steps per unit:',
    'echo: M92 X80.00 Y80.00 Z400.00 E93.00',
    'echo:; Max feedrates (units/s):',
    'echo: M203 X300.00 Y300.00 Z5.00 E25.00',
    'echo:; Max Acceleration (units/s2):',
    'echo: M201 X3000.00 Y3000.00 Z100.00 E10000.00',
    'echo:; Acceleration (units/s2) (P<print-accel> R<retract-accel> T<travel-accel>):',
    'echo: M204 P1500.00 R3000.00 T2500.00',
  ],
};

/** What Smoothieware and Klipper share: no line numbers or resends, a bare "ok", native USB. */
const unnumbered: Omit<SimulatedFirmware, 'banner' | 'info' | 'unknown' | 'halted'> = {
  capabilities: false,
  advancedOk: false,
  ok: () => 'ok',
  reject: () => ['ok'],
  problem: marlinProblems,
  checksLines: false,
  skipsRepeats: false,
  idleWait: false,
  rebootDisconnects: true,
  busy: '',
  temperatureExtras: '',
  positionAutoreport: false,
  settings: [],
};

export const SIMULATED_FIRMWARES: Record<FirmwareId, SimulatedFirmware> = {
  marlin: marlin2,
  marlin1: {
    ...marlin2,
    banner: ['start', 'echo:Marlin 1.1.9', 'echo: Last Updated: 2018-08-01 | Author: (none, default config)', 'echo:SD card ok'],
    info: (extruders) =>
      `FIRMWARE_NAME:Marlin 1.1.9 (Github) SOURCE_CODE_URL:https://github.com/MarlinFirmware/Marlin PROTOCOL_VERSION:1.0 MACHINE_TYPE:3D Printer EXTRUDER_COUNT:${extruders} UUID:cede2a2f-41a2-4748-9b12-c55c62f367ff`,
    positionAutoreport: false,
  },
  prusa: {
    ...marlin2,
    banner: ['start', 'echo: 3.13.3-7016', 'echo: Last Updated: Feb 12 2024 10:55:34 | Author: (none, default config)', 'echo:SD card ok'],
    info: (extruders) =>
      `FIRMWARE_NAME:Prusa-Firmware 3.13.3 based on Marlin FIRMWARE_URL:https://github.com/prusa3d/Prusa-Firmware PROTOCOL_VERSION:1.0 MACHINE_TYPE:Prusa i3 MK3S EXTRUDER_COUNT:${extruders} UUID:00000000-0000-0000-0000-000000000000`,
    advancedOk: false,
    unknown: (command) => [`echo:Unknown command: "${command}"(2)`],
    temperatureExtras: ' @:0 B@:0 P:0.0 A:25.0',
    positionAutoreport: false,
  },
  repetier: {
    banner: ['start', 'Free RAM:3427', 'SD card ok'],
    info: (extruders) =>
      `FIRMWARE_NAME:Repetier_1.0.4 FIRMWARE_URL:https://github.com/repetier/Repetier-Firmware/ PROTOCOL_VERSION:1.0 MACHINE_TYPE:Mendel EXTRUDER_COUNT:${extruders} REPETIER_PROTOCOL:3`,
    capabilities: true,
    advancedOk: false,
    ok: (line) => `ok ${line}`,
    reject: (problem, last, before) => {
      const lines = [`Error:${problem}`, '', `Resend:${last + 1}`];
      return before ? ['', `Resend:${last + 1}`, `Error:${problem}`, 'ok'] : [...lines, 'ok'];
    },
    problem: { checksum: 'Wrong checksum', missingChecksum: 'Missing checksum', lineNumber: 'expected line' },
    checksLines: true,
    skipsRepeats: true,
    idleWait: true,
    rebootDisconnects: false,
    busy: 'busy:processing',
    unknown: (command) => [`Unknown command:${command}`],
    halted: 'Error:Printer halted. kill() called!',
    temperatureExtras: ' B@:0 @:0',
    positionAutoreport: false,
    // Repetier keeps its settings in EEPROM, read with M205 instead
    settings: [],
  },
  reprapfirmware: {
    banner: [],
    info: () =>
      'FIRMWARE_NAME: RepRapFirmware for Duet 3 MB6HC FIRMWARE_VERSION: 3.5.1 ELECTRONICS: Duet 3 MB6HC v1.01 FIRMWARE_DATE: 2024-04-19 14:40:46',
    capabilities: false,
    advancedOk: false,
    ok: () => 'ok',
    reject: (_problem, last) => [`rs ${last + 1}`],
    problem: { checksum: 'bad checksum', missingChecksum: 'missing checksum', lineNumber: 'wrong line number' },
    checksLines: true,
    skipsRepeats: false,
    idleWait: false,
    rebootDisconnects: true,
    busy: 'busy: processing',
    unknown: (command) => [`Error: ${command.split(/\s/)[0]}: Command is not supported`],
    halted: 'Error: Emergency stop, attached to USB',
    temperatureExtras: '',
    positionAutoreport: false,
    // M503 prints config.g: feed rates in mm/min, heater limits (M143; H0 the bed, H1 the first tool)
    settings: ['; Drives', 'M92 X100.00 Y100.00 Z800.00 E420.00', 'M203 X12000.00 Y12000.00 Z600.00 E3600.00', 'M201 X2500.00 Y2500.00 Z200.00 E2500.00', 'M204 P1200 T2400', '; Heaters', 'M143 H0 S110', 'M143 H1 S270'],
  },
  smoothieware: {
    ...unnumbered,
    banner: ['Smoothie', 'ok'],
    info: () =>
      'FIRMWARE_NAME:Smoothieware, FIRMWARE_URL:http%3A//smoothieware.org, X-SOURCE_CODE_URL:https://github.com/Smoothieware/Smoothieware, FIRMWARE_VERSION:edge-3332442, X-FIRMWARE_BUILD_DATE:Apr 22 2021 12:51:50, X-SYSTEM_CLOCK:100MHz, X-AXES:5',
    unknown: () => [],
    halted: '!!',
  },
  klipper: {
    ...unnumbered,
    banner: [],
    info: () => 'FIRMWARE_NAME:Klipper FIRMWARE_VERSION:v0.12.0-114-ga77d0790',
    unknown: (command) => [`// Unknown command:"${command.split(/\s/)[0]!.toUpperCase()}"`],
    halted: '!! Printer is shutdown',
  },
};
