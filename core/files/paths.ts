/**
 * Rules for user-supplied names and paths: normalised, and refused (400) when they could leave the
 * storage or hide there: `..`, absolute paths, NUL and control characters, backslashes, reserved
 * characters, hidden names (the storage keeps its own `.metadata.json` and `.tmp`), over-long names.
 * Also maps extensions to OctoPrint's type paths (others get 415), and confines disk paths.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FileOperationError } from './file-manager.js';

export const MAX_NAME_BYTES = 255;
export const MAX_PATH_BYTES = 1024;
const RESERVED = /[<>:"|?*\\]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** The '/'-separated storage path for `input` ('' is the root), or a 400 FileOperationError. */
export function normalisePath(input: unknown): string {
  if (typeof input !== 'string') throw new FileOperationError(400, 'path must be a string');
  const text = input.normalize('NFC');
  if (CONTROL.test(text)) throw new FileOperationError(400, 'path contains control characters');
  if (text.startsWith('/') || /^[A-Za-z]:/.test(text)) throw new FileOperationError(400, 'absolute paths are not allowed');
  if (text.includes('\\')) throw new FileOperationError(400, 'backslashes are not allowed in paths');
  if (Buffer.byteLength(text) > MAX_PATH_BYTES) throw new FileOperationError(400, `path is longer than ${MAX_PATH_BYTES} bytes`);
  const segments = text.split('/').filter((segment) => segment !== '');
  for (const segment of segments) checkName(segment);
  return segments.join('/');
}

/** Refuses one path segment that is not a plain name. */
export function checkName(name: string): void {
  if (name === '.' || name === '..') throw new FileOperationError(400, 'path segments "." and ".." are not allowed');
  if (name.startsWith('.')) throw new FileOperationError(400, 'names starting with "." are not allowed');
  if (RESERVED.test(name)) throw new FileOperationError(400, `"${name}" contains a reserved character (<>:"|?*\\)`);
  if (name.trim() !== name) throw new FileOperationError(400, 'names must not start or end with spaces');
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) throw new FileOperationError(400, `names are limited to ${MAX_NAME_BYTES} bytes`);
}

/** A non-empty file path, normalised. */
export function normaliseFilePath(input: unknown): string {
  const rel = normalisePath(input);
  if (!rel) throw new FileOperationError(400, 'a file name is required');
  return rel;
}

const TYPES: Record<string, string[]> = {
  gcode: ['machinecode', 'gcode'],
  gco: ['machinecode', 'gcode'],
  g: ['machinecode', 'gcode'],
  stl: ['model', 'stl'],
};

/** OctoPrint's type path for a file name, or null for an unknown extension. */
export function typePathOf(name: string): string[] | null {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return null;
  const type = TYPES[name.slice(dot + 1).toLowerCase()];
  return type ? [...type] : null;
}

/** The type path, or 415 for extensions the storage does not hold. */
export function requireType(name: string): string[] {
  const type = typePathOf(name);
  if (!type) throw new FileOperationError(415, `"${name}" is not a supported file type (gcode, gco, g, stl)`);
  return type;
}

export function isGcode(name: string): boolean {
  return typePathOf(name)?.[0] === 'machinecode';
}

export function baseName(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}

export function parentOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

export function joinPath(folder: string, name: string): string {
  return folder ? `${folder}/${name}` : name;
}

/**
 * The disk path of a normalised storage path, checked again on disk: the deepest existing ancestor
 * must resolve (symlinks followed) inside the storage root.
 */
export function confine(root: string, rel: string): string {
  const realRoot = fs.realpathSync(root);
  const target = path.resolve(realRoot, ...rel.split('/').filter(Boolean));
  if (target !== realRoot && !target.startsWith(realRoot + path.sep)) throw new FileOperationError(400, 'path leaves the storage');
  let probe = target;
  while (probe !== realRoot && !fs.existsSync(probe)) probe = path.dirname(probe);
  let real: string;
  try {
    real = fs.realpathSync(probe);
  } catch {
    // a dangling symlink: refuse rather than follow it later
    throw new FileOperationError(400, 'path leaves the storage');
  }
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) throw new FileOperationError(400, 'path leaves the storage');
  if (probe === target && fs.lstatSync(target).isSymbolicLink()) throw new FileOperationError(400, 'symbolic links are not served');
  return target;
}
