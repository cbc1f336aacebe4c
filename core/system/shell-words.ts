/**
 * Shell-like splitting of a `system` command template into words, done BEFORE placeholders are
 * filled in, so that whatever a value contains it stays inside its one word. Understands what users
 * copy from shell examples: blanks between words, '…' (literal), "…" (with \" \\ \$ \` escapes),
 * backslash escapes, and a leading ~ for the home folder. Shell operators (| ; & < > ` $( $VAR #) are
 * not run by anything here, so they are reported for the subscription to use `shell: true` instead.
 * Shared by the `system` event-hook type and `/api/system/commands`.
 */
import os from 'node:os';

export interface SplitCommand {
  words: string[];
  /** unquoted shell syntax found, e.g. ['|', '$('] */
  shellSyntax: string[];
}

const BLANK = /[ \t\r\n]/;
const OPERATORS = new Set(['|', ';', '&', '<', '>', '`']);
const DOUBLE_QUOTE_ESCAPES = new Set(['$', '`', '"', '\\', '\n']);

export function splitWords(template: string): SplitCommand {
  const words: string[] = [];
  const shellSyntax = new Set<string>();
  let word = '';
  let started = false;
  let i = 0;
  const end = () => {
    if (started) words.push(word);
    word = '';
    started = false;
  };
  while (i < template.length) {
    const c = template[i]!;
    if (BLANK.test(c)) {
      end();
      i++;
    } else if (c === "'") {
      const close = template.indexOf("'", i + 1);
      if (close < 0) throw new SyntaxError(`unterminated ' quote at character ${i + 1}`);
      word += template.slice(i + 1, close);
      started = true;
      i = close + 1;
    } else if (c === '"') {
      i = readDoubleQuoted(template, i, (text) => (word += text));
      started = true;
    } else if (c === '\\') {
      if (template[i + 1] !== '\n') word += template[i + 1] ?? '';
      started = started || template[i + 1] !== '\n';
      i += 2;
    } else if (c === '~' && !started && (i + 1 === template.length || template[i + 1] === '/' || BLANK.test(template[i + 1]!))) {
      word += os.homedir();
      started = true;
      i++;
    } else {
      if (OPERATORS.has(c)) shellSyntax.add(c);
      else if (c === '#' && !started) shellSyntax.add('#');
      else if (c === '$' && /[A-Za-z_{(]/.test(template[i + 1] ?? '')) shellSyntax.add(template[i + 1] === '(' ? '$(' : '$VAR');
      word += c;
      started = true;
      i++;
    }
  }
  end();
  return { words, shellSyntax: [...shellSyntax] };
}

/** Reads "…" starting at `start`; returns the index after the closing quote. */
function readDoubleQuoted(template: string, start: number, append: (text: string) => void): number {
  let i = start + 1;
  while (i < template.length) {
    const c = template[i]!;
    if (c === '"') return i + 1;
    if (c === '\\' && DOUBLE_QUOTE_ESCAPES.has(template[i + 1] ?? '')) {
      if (template[i + 1] !== '\n') append(template[i + 1]!);
      i += 2;
    } else {
      append(c);
      i++;
    }
  }
  throw new SyntaxError(`unterminated " quote at character ${start + 1}`);
}

/** An argument as a reader would type it in a shell: bare when harmless, else single-quoted. For logs only. */
export function displayArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
