/**
 * Reads a request body for any route (koa has no body parser of its own):
 * JSON objects, or raw text (a slicer's profile file). Bounded so a huge body cannot fill memory,
 * and JSON bounded in depth: routes walk bodies recursively (merges, checks), and a body nested
 * 10 000 levels deep overflowed their stack into a 500.
 */
import type Koa from 'koa';
import { HttpError } from './http-error.js';

const LIMIT = 4 * 1024 * 1024;
/** deeper than any request of OctoPrint's API (settings are the deepest, at about 6) */
export const MAX_JSON_DEPTH = 32;

export async function readText(ctx: Koa.Context): Promise<string> {
  const parsed = (ctx.request as { body?: unknown }).body;
  if (typeof parsed === 'string') return parsed;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > LIMIT) throw new HttpError(413, `request body larger than ${LIMIT} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The JSON object of the body; `{}` when empty. Anything but an object is a 400. */
export async function readJsonObject(ctx: Koa.Context): Promise<Record<string, unknown>> {
  const parsed = (ctx.request as { body?: unknown }).body;
  if (parsed && typeof parsed === 'object' && !Buffer.isBuffer(parsed)) return checkedDepth(parsed) as Record<string, unknown>;
  const text = await readText(ctx);
  if (!text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // a syntax error, or a nesting deep enough to exhaust the parser's own stack
    throw new HttpError(400, 'the request body is not valid JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new HttpError(400, 'the request body must be a JSON object');
  return checkedDepth(value) as Record<string, unknown>;
}

/** The value, unless arrays and objects in it nest deeper than MAX_JSON_DEPTH (a 400). Iterative: depth is what it checks. */
export function checkedDepth(value: unknown): unknown {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (!current || typeof current !== 'object') continue;
    if (depth > MAX_JSON_DEPTH) throw new HttpError(400, `the request body nests deeper than ${MAX_JSON_DEPTH} levels`);
    for (const child of Object.values(current)) if (child && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return value;
}
