/**
 * `shell: true` commands: the template goes to `/bin/sh -c` as the script, and every substituted value
 * is passed as a positional parameter ($1, $2, …) that the script refers to, never pasted into the
 * script text. The shell never parses a value, whatever quotes it holds, even where this scanner
 * misjudges the quoting context (nested `$(…)`); the reference is only written in the form that
 * keeps it one word in the context found: "${1}" bare, ${1} inside "…", '"${1}"' inside '…'.
 */
import { parseTemplate } from '../../core/event-hooks/api.js';

export interface ShellScript {
  script: string;
  /** values for $1, $2, … in order */
  args: string[];
}

type Quote = 'none' | 'single' | 'double';

export function buildShellScript(template: string, value: (name: string) => string): ShellScript {
  const args: string[] = [];
  const position = new Map<string, number>();
  let script = '';
  let quote: Quote = 'none';
  let escaped = false;
  for (const part of parseTemplate(template)) {
    if ('text' in part) {
      for (const c of part.text) {
        if (escaped) escaped = false;
        else if (c === '\\' && quote !== 'single') escaped = true;
        else if (c === "'" && quote !== 'double') quote = quote === 'single' ? 'none' : 'single';
        else if (c === '"' && quote !== 'single') quote = quote === 'double' ? 'none' : 'double';
      }
      script += part.text;
      continue;
    }
    let n = position.get(part.placeholder);
    if (n === undefined) {
      n = args.push(value(part.placeholder));
      position.set(part.placeholder, n);
    }
    script += quote === 'double' ? `\${${n}}` : quote === 'single' ? `'"\${${n}}"'` : `${escaped ? ' ' : ''}"\${${n}}"`;
    escaped = false;
  }
  return { script, args };
}
