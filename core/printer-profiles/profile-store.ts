/**
 * Printer profiles as OctoPrint keeps them: one YAML file per profile in `<basedir>/printerProfiles/`,
 * `_default` written there on first use so that it can be edited. The profile flagged `default`
 * (else `_default`) is the default and the current one.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { writeFileAtomicSync } from '../common/atomic-write.js';
import { makeDirectorySync } from '../common/make-directory.js';

export interface PrinterProfile {
  id: string;
  name: string;
  model: string;
  color: string;
  default?: boolean;
  volume: { width: number; depth: number; height: number; formFactor: 'rectangular' | 'circular'; origin: 'lowerleft' | 'center'; custom_box: boolean | object };
  heatedBed: boolean;
  heatedChamber: boolean;
  axes: Record<'x' | 'y' | 'z' | 'e', { speed: number; inverted: boolean }>;
  extruder: { count: number; offsets: [number, number][]; nozzleDiameter: number; sharedNozzle: boolean; defaultExtrusionLength: number };
}

export const DEFAULT_PROFILE: PrinterProfile = {
  id: '_default',
  name: 'Default',
  model: 'Generic RepRap Printer',
  color: 'default',
  volume: { width: 200, depth: 200, height: 200, formFactor: 'rectangular', origin: 'lowerleft', custom_box: false },
  heatedBed: true,
  heatedChamber: false,
  axes: { x: { speed: 6000, inverted: false }, y: { speed: 6000, inverted: false }, z: { speed: 200, inverted: false }, e: { speed: 300, inverted: false } },
  extruder: { count: 1, offsets: [[0, 0]], nozzleDiameter: 0.4, sharedNozzle: false, defaultExtrusionLength: 5 },
};

const ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

export class ProfileError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** Deep merge of plain objects (arrays and scalars replace). */
function merge<T>(base: T, patch: unknown): T {
  if (!isObject(base) || !isObject(patch)) return (patch === undefined ? base : patch) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = merge(out[k], v);
  return out as T;
}

function validate(p: PrinterProfile): PrinterProfile {
  if (!ID.test(p.id)) throw new ProfileError(400, 'Profile id: letters, digits and _ . - (up to 64)');
  if (typeof p.name !== 'string' || !p.name) throw new ProfileError(400, 'Profile needs a name');
  const v = p.volume;
  for (const key of ['width', 'depth', 'height'] as const) {
    if (typeof v?.[key] !== 'number' || !(v[key] > 0)) throw new ProfileError(400, `volume.${key} must be a positive number`);
  }
  if (!Number.isInteger(p.extruder?.count) || p.extruder.count < 1 || p.extruder.count > 16) throw new ProfileError(400, 'extruder.count must be 1..16');
  if (typeof p.heatedBed !== 'boolean' || typeof p.heatedChamber !== 'boolean') throw new ProfileError(400, 'heatedBed and heatedChamber must be booleans');
  return p;
}

export class PrinterProfileStore {
  constructor(readonly folder: string) {}

  list(): PrinterProfile[] {
    this.ensureDefault();
    const profiles: PrinterProfile[] = [];
    for (const file of fs.readdirSync(this.folder).sort()) {
      if (!file.endsWith('.yaml')) continue;
      try {
        const raw = YAML.parse(fs.readFileSync(path.join(this.folder, file), 'utf8')) as unknown;
        profiles.push(merge(DEFAULT_PROFILE, { ...(isObject(raw) ? raw : {}), id: file.slice(0, -5) }));
      } catch {
        // a profile being edited by hand and not parseable right now is left out, not fatal
      }
    }
    return profiles;
  }

  get(id: string): PrinterProfile | undefined {
    return this.list().find((p) => p.id === id);
  }

  defaultId(): string {
    return this.list().find((p) => p.default)?.id ?? '_default';
  }

  create(input: unknown, basedOn?: string): PrinterProfile {
    if (!isObject(input)) throw new ProfileError(400, 'Expected "profile": an object');
    const base = basedOn ? this.get(basedOn) : DEFAULT_PROFILE;
    if (!base) throw new ProfileError(404, `No profile "${basedOn}" to base on`);
    const id = typeof input['id'] === 'string' ? input['id'] : String(input['name'] ?? '').replace(/[^A-Za-z0-9_.-]+/g, '_');
    if (this.get(id)) throw new ProfileError(409, `Profile "${id}" exists already`);
    const profile = validate(merge({ ...base, default: false }, { ...input, id }));
    this.write(profile);
    return profile;
  }

  update(id: string, input: unknown): PrinterProfile {
    const current = this.get(id);
    if (!current) throw new ProfileError(404, `No profile "${id}"`);
    if (!isObject(input)) throw new ProfileError(400, 'Expected "profile": an object');
    const profile = validate(merge(current, { ...input, id }));
    if (profile.default) for (const other of this.list()) if (other.id !== id && other.default) this.write({ ...other, default: false });
    this.write(profile);
    return profile;
  }

  remove(id: string): void {
    if (!this.get(id)) throw new ProfileError(404, `No profile "${id}"`);
    if (id === '_default' || id === this.defaultId()) throw new ProfileError(409, 'The default profile cannot be deleted');
    fs.rmSync(this.file(id));
  }

  private ensureDefault(): void {
    makeDirectorySync(this.folder);
    if (!fs.existsSync(this.file('_default'))) this.write(DEFAULT_PROFILE);
  }

  private write(profile: PrinterProfile): void {
    const { id, ...stored } = profile;
    writeFileAtomicSync(this.file(id), YAML.stringify(stored));
  }

  private file(id: string): string {
    return path.join(this.folder, `${id}.yaml`);
  }
}
