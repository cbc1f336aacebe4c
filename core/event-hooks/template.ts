/**
 * Command templates: `{name}` is a placeholder (dotted for nested keys, `{position.x}`), `{{` and `}}`
 * are literal braces (as in OctoPrint's Python format strings), and `${…}` is left alone so that shell
 * parameter expansions in `shell: true` commands are not taken for placeholders. Any other brace is text.
 */

/** A piece of a command template: literal text (escapes `{{` `}}` already undone) or a placeholder. */
export type TemplatePart = { text: string } | { placeholder: string };

const TOKEN = /\{\{|\}\}|\$\{|\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\}/g;

/** Splits a template into literal text and placeholders, in order. */
export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  let last = 0;
  for (const match of template.matchAll(TOKEN)) {
    text += template.slice(last, match.index);
    last = match.index + match[0].length;
    if (match[1] !== undefined) {
      if (text) parts.push({ text });
      text = '';
      parts.push({ placeholder: match[1] });
    } else {
      text += match[0] === '{{' ? '{' : match[0] === '}}' ? '}' : '${';
    }
  }
  text += template.slice(last);
  if (text) parts.push({ text });
  return parts;
}

/** The placeholder names a template uses, each once, in order of first use. */
export function placeholderNames(template: string): string[] {
  const names = new Set<string>();
  for (const part of parseTemplate(template)) if ('placeholder' in part) names.add(part.placeholder);
  return [...names];
}
