/**
 * G-code line handling shared by the host and the simulated printer: Marlin's XOR checksum, the
 * `N<line> <cmd>*<checksum>` framing, comment stripping and parsing of a command's code and parameters.
 */

/** XOR of every byte of `text`, as Marlin computes it over `N<line> <cmd>`. */
export function checksum(text: string): number {
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum ^= text.charCodeAt(i) & 0xff;
  return sum;
}

/**
 * The command as the serial line carries it: one byte a character, so each character beyond ASCII
 * becomes "?", as OctoPrint sends it (serial.encoding "ascii", errors replaced). Written as it was,
 * "é" reached the firmware as a byte no UTF-8 reader takes, and a character above U+00FF as its low
 * byte: U+010A in an object's name ("M486 A…", "M117 …") was a newline inside the framed line.
 */
export function asciiOnly(command: string): string {
  for (let i = 0; i < command.length; i++) if (command.charCodeAt(i) > 0x7f) return command.replace(/[^\u0000-\u007f]/gu, '?');
  return command;
}

/** `N<line> <command>*<checksum>` */
export function frame(line: number, command: string): string {
  const body = `N${line} ${command}`;
  return `${body}*${checksum(body)}`;
}

/** Drops a `;` comment and surrounding blanks; '' for a blank or comment-only line. */
export function stripComment(line: string): string {
  const semicolon = line.indexOf(';');
  return (semicolon === -1 ? line : line.slice(0, semicolon)).trim();
}

/**
 * A command ready for framing: comment stripped, and a line number or checksum it already carries
 * (files saved by other hosts, "N10 G1 Z5*93") removed, since the host numbers lines itself.
 */
export function normalizeCommand(line: string): string {
  const command = stripComment(line);
  if (command[0] !== 'N' && command[0] !== 'n' && !command.includes('*')) return command;
  return command.replace(/^N\d+\s*/i, '').replace(/\s*\*\d+$/, '');
}

/**
 * The longest command line the host sends for a client: RepRapFirmware reads up to 256 characters a
 * line, Marlin fewer. A 5 000-character line was framed and sent; no firmware answered it, and every
 * later command of the printer waited behind it.
 */
export const MAX_COMMAND_LENGTH = 256;

/**
 * The command lines of a text a client sent (OctoPrint's command route, Moonraker's G-code script):
 * split at LF or CRLF, trimmed, blank ones dropped; `refused` says why none may be sent. A control
 * character left inside a line is refused: a lone CR would reach the firmware, whose serial reader
 * ends a line there, splitting the host's `N… *checksum` frame in two (a resend, or half a command run
 * unnumbered); NUL and ESC are no G-code either. So is text beyond ASCII: the protocol writes one byte a
 * character, so "M117 é" went out as a byte no UTF-8 reader takes (the line was never answered, and the
 * printer's later commands waited behind it), and a character above U+00FF as its low byte, which may be
 * a newline or a NUL.
 */
export function commandLines(text: string): { lines: string[]; refused: string | null } {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const refused = lines.some((l) => /[\u0000-\u001f\u007f]/.test(l))
    ? 'commands must not contain control characters (lines end with LF or CRLF)'
    : lines.some((l) => /[^\u0000-\u007f]/.test(l))
      ? 'commands must be ASCII: the serial line carries each character as one byte, so other text reaches the firmware as other bytes'
      : lines.some((l) => l.length > MAX_COMMAND_LENGTH)
        ? `a command line is longer than ${MAX_COMMAND_LENGTH} characters`
        : null;
  return refused ? { lines: [], refused } : { lines, refused: null };
}

/** Whether the char code `c` is a character of RegExp's `\s`. */
export function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** What `scanCode` found: the code's letter (a char code, upper case), and where its number and sub-number are. */
const found = { letter: 0, number: 0, numberEnd: 0, sub: -1, subEnd: -1 };

/**
 * Finds the command's code as `^\s*(?:N\d+\s*)?([GMT])\s*(\d+)(?:\.(\d+))?` (any case) would, into
 * `found`; the index just after it, or -1 when there is none. Hand-rolled, without a match array:
 * it runs two or three times for every line sent.
 */
function scanCode(command: string): number {
  const end = command.length;
  let i = 0;
  while (i < end && isSpace(command.charCodeAt(i))) i++;
  if (i < end && (command.charCodeAt(i) | 32) === 110 /* n */ && i + 1 < end && isDigit(command.charCodeAt(i + 1))) {
    i += 2;
    while (i < end && isDigit(command.charCodeAt(i))) i++;
    while (i < end && isSpace(command.charCodeAt(i))) i++;
  }
  if (i >= end) return -1;
  const letter = command.charCodeAt(i) & ~32;
  if (letter !== 71 /* G */ && letter !== 77 /* M */ && letter !== 84 /* T */) return -1;
  i++;
  while (i < end && isSpace(command.charCodeAt(i))) i++;
  const number = i;
  while (i < end && isDigit(command.charCodeAt(i))) i++;
  if (i === number) return -1;
  found.letter = letter;
  found.number = number;
  found.numberEnd = i;
  found.sub = -1;
  found.subEnd = -1;
  if (i + 1 < end && command.charCodeAt(i) === 46 /* . */ && isDigit(command.charCodeAt(i + 1))) {
    found.sub = i + 1;
    i += 2;
    while (i < end && isDigit(command.charCodeAt(i))) i++;
    found.subEnd = i;
  }
  return i;
}

/** Codes without a sub-code and with a number below this are made once ("G1" for every move). */
const KEPT_CODE_NUMBERS = 1000;
const keptCodes = new Map<number, string>();

/**
 * The command's G/M/T code in upper case without leading zeros ("g01 x1" → "G1"), or null. A
 * sub-code stays part of it ("G29.1", "G28.1"): it is another command, not its parent.
 */
export function commandCode(command: string): string | null {
  if (scanCode(command) === -1) return null;
  const letter = String.fromCharCode(found.letter);
  if (found.sub !== -1) return `${letter}${Number(command.slice(found.number, found.numberEnd))}.${Number(command.slice(found.sub, found.subEnd))}`;
  let value = 0;
  for (let i = found.number; i < found.numberEnd && value < KEPT_CODE_NUMBERS; i++) value = value * 10 + command.charCodeAt(i) - 48;
  if (value >= KEPT_CODE_NUMBERS) return `${letter}${Number(command.slice(found.number, found.numberEnd))}`;
  const key = found.letter * KEPT_CODE_NUMBERS + value;
  let code = keptCodes.get(key);
  if (code === undefined) keptCodes.set(key, (code = `${letter}${value}`));
  return code;
}

/**
 * Numeric parameters after the code, upper-cased letters: "G1 z.2 F1200 ; hop" → { Z: 0.2, F: 1200 }.
 * A letter without a number (as in "G28 X") maps to NaN so callers can tell "axis named" from absent.
 * Hand-rolled (it runs for every line on both ends of the wire): stops at a `;` comment or checksum
 * and skips `(…)` comments, as the file analyser does (test/printer/gcode-parsers.test.ts holds both
 * to one table).
 */
export function commandParams(command: string): Record<string, number> {
  const params: Record<string, number> = {};
  const end = command.length;
  let i = Math.max(0, scanCode(command));
  while (i < end) {
    const c = command.charCodeAt(i);
    if (c === 59 /* ; */ || c === 42 /* * */) break;
    if (c === 40 /* ( */) {
      const close = command.indexOf(')', i);
      i = close === -1 ? end : close + 1;
      continue;
    }
    const upper = c & ~32;
    if (upper < 65 || upper > 90) {
      i++;
      continue;
    }
    i++;
    while (i < end && command.charCodeAt(i) === 32) i++;
    const start = i;
    while (i < end && isNumberChar(command.charCodeAt(i))) i++;
    params[String.fromCharCode(upper)] = i > start ? Number(command.slice(start, i)) : Number.NaN;
  }
  return params;
}

function isNumberChar(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46 /* . */ || c === 45 /* - */ || c === 43; /* + */
}

/** A received framed line split into its parts; `checksumOk` is null when the line has no checksum. */
export interface FramedLine {
  line: number | null;
  command: string;
  checksumOk: boolean | null;
}

export function unframe(raw: string): FramedLine {
  const text = raw.trim();
  const star = text.lastIndexOf('*');
  let body = text;
  let checksumOk: boolean | null = null;
  if (star !== -1 && /^\d+$/.test(text.slice(star + 1))) {
    body = text.slice(0, star);
    checksumOk = checksum(body) === Number(text.slice(star + 1));
  }
  const numbered = /^N(\d+)\s*/.exec(body);
  if (!numbered) return { line: null, command: stripComment(body), checksumOk };
  return { line: Number(numbered[1]), command: stripComment(body.slice(numbered[0].length)), checksumOk };
}
