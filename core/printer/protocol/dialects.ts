/**
 * What the host must do differently for each firmware family, as a table. Everything the families
 * share is handled once by the protocol and the response parsers, which accept every form seen on
 * the wire:
 * - "ok", "ok N12 P15 B3" (Marlin ADVANCED_OK), "ok 12" (Repetier's ACK_WITH_LINENUMBER),
 *   "ok T:…" (an M105 answer);
 * - resend requests "Resend: 12", "Resend:12" (Marlin, Prusa, Repetier), "rs N12" / "rs 12"
 *   (Repetier's and RepRapFirmware's short form);
 * - "skip 12" (Repetier: a line it already has, which it answers with "ok" too);
 * - "wait" (Repetier, once a second while its command queue is empty);
 * - "busy: processing" keep-alives, with or without Marlin's "echo:" prefix;
 * - "// text" messages (Klipper) and "//action:" host actions;
 * - "Error:" (Marlin family) and "!!" (Klipper, Smoothieware) errors.
 *
 * The handshake learns the family from M115's FIRMWARE_NAME; `serial.firmware` can force it.
 */

export const FIRMWARE_IDS = ['marlin', 'marlin1', 'prusa', 'repetier', 'reprapfirmware', 'smoothieware', 'klipper'] as const;
export type FirmwareId = (typeof FIRMWARE_IDS)[number];

export interface FirmwareDialect {
  readonly id: FirmwareId;
  /** matched against M115's FIRMWARE_NAME, in table order */
  readonly name: RegExp;
  /**
   * lines go out as `N<line> <command>*<checksum>`: the firmware verifies them and asks for a
   * resend of a damaged one. Klipper and Smoothieware neither need nor use them (no resend
   * requests exist there), so they get bare commands.
   */
  readonly numbered: boolean;
  /**
   * a resend request is followed by an "ok" for the refused line (Marlin, Prusa, Repetier); where
   * it is not (RepRapFirmware's bare "rs N"), the request itself frees the refused line's slot
   */
  readonly okAfterResend: boolean;
  /**
   * error lines about one command only (an unknown or unsupported command), which the firmware
   * answers and then carries on: logged, never a reason to end the connection
   */
  readonly commandErrors: RegExp | null;
}

export const DIALECTS: readonly FirmwareDialect[] = [
  // "Prusa-Firmware 3.13.3 based on Marlin": before Marlin, whose name it contains
  { id: 'prusa', name: /^Prusa-Firmware/i, numbered: true, okAfterResend: true, commandErrors: null },
  { id: 'marlin1', name: /^Marlin\s+1\./i, numbered: true, okAfterResend: true, commandErrors: null },
  { id: 'marlin', name: /Marlin/i, numbered: true, okAfterResend: true, commandErrors: null },
  { id: 'repetier', name: /^Repetier/i, numbered: true, okAfterResend: true, commandErrors: null },
  // RepRapFirmware asks for a damaged line with a bare "rs N", and reports an unsupported command
  // as an error, then goes on with the next one
  { id: 'reprapfirmware', name: /RepRapFirmware/i, numbered: true, okAfterResend: false, commandErrors: /not supported|unknown (g|m|t)?\s*code|bad command/i },
  { id: 'smoothieware', name: /^Smoothieware/i, numbered: false, okAfterResend: true, commandErrors: null },
  // Klipper reports an unknown command as a "// " message; its "!!" errors end the connection as elsewhere
  { id: 'klipper', name: /^Klipper/i, numbered: false, okAfterResend: true, commandErrors: null },
];

/** Marlin's rules: what the host assumes until M115 says otherwise. */
export const DEFAULT_DIALECT = DIALECTS.find((d) => d.id === 'marlin')!;

export function dialectById(id: FirmwareId): FirmwareDialect {
  return DIALECTS.find((d) => d.id === id) ?? DEFAULT_DIALECT;
}

/** The dialect for M115's FIRMWARE_NAME (Marlin's when the name is missing or unknown). */
export function detectDialect(firmwareName: string | null): FirmwareDialect {
  if (!firmwareName) return DEFAULT_DIALECT;
  return DIALECTS.find((d) => d.name.test(firmwareName.trim())) ?? DEFAULT_DIALECT;
}
