/**
 * Commands of `POST /api/files/{location}/{path}` that other services add (a contribution point):
 * core/slicing adds `slice`. The files routes answer the file commands of their own (select,
 * unselect, copy, move, analyse) and hand any other to the contribution that names it.
 */
import type Koa from 'koa';
import type { StorageOrigin } from '../events/catalogue.js';

export interface FileCommandContribution {
  /** the `command` field it answers */
  readonly command: string;
  run(ctx: Koa.Context, origin: StorageOrigin, path: string, body: Record<string, unknown>): Promise<void>;
}
export const FileCommandContribution = Symbol.for('cuttle.FileCommandContribution');
