/**
 * Shapes of answers as a client's code reads them: a spec names each field the client dereferences
 * and the type its code assumes, so a conformance test says which field of which answer would
 * break which client. `'number[]'` is a list of numbers, `[spec]` a list whose items have `spec`,
 * `'?number'` a number or null, `'int'` a whole number (Dart's `int` fields).
 */
import { expect } from 'chai';

export type Shape = 'string' | 'number' | 'int' | 'boolean' | 'object' | 'array' | 'string[]' | 'number[]' | '?string' | '?number' | 'any' | { [field: string]: Shape } | [Shape];

function check(value: unknown, shape: Shape, at: string, problems: string[]): void {
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return void problems.push(`${at}: a list expected, got ${JSON.stringify(value)?.slice(0, 80)}`);
    value.forEach((item, i) => check(item, shape[0], `${at}[${i}]`, problems));
    return;
  }
  if (typeof shape === 'object') {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return void problems.push(`${at}: an object expected, got ${JSON.stringify(value)?.slice(0, 80)}`);
    for (const [field, inner] of Object.entries(shape)) check((value as Record<string, unknown>)[field], inner, `${at}.${field}`, problems);
    return;
  }
  const nullable = shape.startsWith('?');
  const type = nullable ? shape.slice(1) : shape;
  if (nullable && value === null) return;
  const ok =
    type === 'any' ? value !== undefined
    : type === 'int' ? Number.isInteger(value)
    : type === 'array' ? Array.isArray(value)
    : type === 'object' ? value !== null && typeof value === 'object' && !Array.isArray(value)
    : type === 'string[]' ? Array.isArray(value) && value.every((v) => typeof v === 'string')
    : type === 'number[]' ? Array.isArray(value) && value.every((v) => typeof v === 'number')
    : typeof value === type;
  if (!ok) problems.push(`${at}: ${shape} expected, got ${JSON.stringify(value)?.slice(0, 80)}`);
}

/** Fails naming every field of `value` that does not have `shape`, with `what` (the client and method). */
export function expectShape(what: string, value: unknown, shape: Shape): void {
  const problems: string[] = [];
  check(value, shape, what, problems);
  expect(problems, problems.join('\n')).to.deep.equal([]);
}
