/**
 * Text from users or the network (printer names, app names, error texts) made safe to print on a
 * terminal. A name may hold an escape sequence (`\x1b]0;…` retitles the window, `\x1b[2J` clears it),
 * a carriage return that overwrites the line before it, or a bidi override that reorders what is shown;
 * each is printed as a visible escape (`\x1b`, `\u202e`) instead, so what the terminal shows is
 * exactly what is stored. JSON output needs none of this: JSON.stringify escapes C0 controls itself.
 */
// C0 controls (tab and newline included: a value never spans cells or lines), DEL, C1 controls,
// and the Unicode bidi embeddings, overrides and isolates
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function shown(value: string): string {
  return value.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
