/**
 * Reading query parameters with a 400 that names the parameter: whole numbers within bounds, short
 * strings, one of a set. A repeated parameter (`?a=1&a=2`) is refused rather than guessed at.
 */
import { HttpError } from './http-error.js';

type Query = Record<string, string | string[] | undefined>;

function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw new HttpError(400, `"${name}" given more than once`);
  return value === '' ? undefined : value;
}

export function intParam(query: Query, name: string, bounds: { min: number; max: number; fallback: number }): number {
  const text = single(query, name);
  if (text === undefined) return bounds.fallback;
  if (!/^-?\d+$/.test(text)) throw new HttpError(400, `"${name}" must be a whole number`);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < bounds.min || value > bounds.max) {
    throw new HttpError(400, `"${name}" must be from ${bounds.min} to ${bounds.max}`);
  }
  return value;
}

export function stringParam(query: Query, name: string, maxLength = 200): string | undefined {
  const text = single(query, name);
  if (text !== undefined && text.length > maxLength) throw new HttpError(400, `"${name}" is longer than ${maxLength} characters`);
  return text;
}

export function oneOfParam<T extends string>(query: Query, name: string, allowed: readonly T[]): T | undefined {
  const text = single(query, name);
  if (text !== undefined && !(allowed as readonly string[]).includes(text)) throw new HttpError(400, `"${name}" must be one of ${allowed.join(', ')}`);
  return text as T | undefined;
}

/** An ISO-8601 time or epoch seconds, as epoch milliseconds. */
export function timeParam(query: Query, name: string): number | undefined {
  const text = single(query, name);
  if (text === undefined) return undefined;
  const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : Date.parse(text);
  if (!Number.isFinite(ms)) throw new HttpError(400, `"${name}" must be an ISO-8601 time or epoch seconds`);
  return ms;
}
