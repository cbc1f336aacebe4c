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

const CODE = /^\s*(?:N\d+\s*)?([GMT])\s*(\d+)(?:\.(\d+))?/i;

/**
 * The command's G/M/T code in upper case without leading zeros ("g01 x1" → "G1"), or null. A
 * sub-code stays part of it ("G29.1", "G28.1"): it is another command, not its parent.
 */
export function commandCode(command: string): string | null {
  const match = CODE.exec(command);
  if (!match) return null;
  const code = `${match[1]!.toUpperCase()}${Number(match[2])}`;
  return match[3] === undefined ? code : `${code}.${Number(match[3])}`;
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
  const code = CODE.exec(command);
  const end = command.length;
  let i = code ? code.index + code[0].length : 0;
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
