/** Small request helpers shared by the REST areas: OctoPrint's booleans, typed JSON fields, the command. */
import { HttpError } from './http-error.js';

/** OctoPrint accepts true/yes/y/1 (any case) for boolean form fields and queries. */
export function truthy(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  return typeof value === 'string' && ['true', 'yes', 'y', '1'].includes(value.trim().toLowerCase());
}

export function stringField(body: Record<string, unknown>, key: string, required = true): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) {
    if (required) throw new HttpError(400, `"${key}" is required`);
    return undefined;
  }
  if (typeof value !== 'string') throw new HttpError(400, `"${key}" must be a string`);
  return value;
}

export function numberField(body: Record<string, unknown>, key: string): number {
  const value = body[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new HttpError(400, `"${key}" must be a number`);
  return value;
}

export function commandOf(body: Record<string, unknown>): string {
  const command = body.command;
  if (typeof command !== 'string' || !command) throw new HttpError(400, '"command" is required');
  return command;
}

/**
 * OctoPrint's feed and flow rate `factor`: a percentage (50) or a fraction (0.5) alike, answered as a
 * whole percentage within `min`..`max` (OctoPrint refuses a flow rate outside 75..125 %; a typo of
 * 1000 % would otherwise reach the printer as M221 S1000).
 */
export function percentFactor(body: Record<string, unknown>, what: string, min: number, max: number): number {
  const factor = body.factor;
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor <= 0) throw new HttpError(400, '"factor" must be a positive number');
  const percent = Math.round(factor <= 1 && !Number.isInteger(factor) ? factor * 100 : factor);
  if (percent < min || percent > max) throw new HttpError(400, `the ${what} factor must be from ${min} to ${max} %`);
  return percent;
}
