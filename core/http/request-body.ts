/**
 * Reads a request body for any route (koa has no body parser of its own):
 * JSON objects, or raw text (a slicer's profile file). Bounded so a huge body cannot fill memory.
 */
import type Koa from 'koa';
import { HttpError } from './http-error.js';

const LIMIT = 4 * 1024 * 1024;

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
  if (parsed && typeof parsed === 'object' && !Buffer.isBuffer(parsed)) return parsed as Record<string, unknown>;
  const text = await readText(ctx);
  if (!text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the request body is not valid JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new HttpError(400, 'the request body must be a JSON object');
  return value as Record<string, unknown>;
}
