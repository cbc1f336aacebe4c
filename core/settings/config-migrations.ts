/**
 * config.yaml's `version` and the migrations that carry an older file forward. Every file is
 * migrated in memory when read (so `cuttle config check/show` read an old file as the host would);
 * `cuttle serve` then writes the migrated file, keeping the old one as `config.yaml.v<N>.bak`.
 *
 * Version 1 is every file written before versions existed. Its shapes (one printer under `serial.*`
 * before `printers:`, the file before the event log's `events.log`, and the unversioned file with
 * `printers:`) are all still valid settings: `serial.*` remains the implicit printer's connection
 * and no key was renamed or removed. So 1 → 2 is the version stamp only. A later change of shape
 * adds a step here, with a test from the file the version before wrote.
 */
import { copyFileSync, constants, existsSync } from 'node:fs';
import YAML from 'yaml';
import { writeFileAtomicSync } from '../common/atomic-write.js';
import { defineSettings } from './settings-section.js';
import { ConfigError } from './settings-service.js';

export const CONFIG_VERSION = 2;

export const configVersionSettings = defineSettings('version', {
  doc: `The shape this config.yaml is written in; an older file is migrated on start (its copy kept as config.yaml.v<N>.bak). This cuttle writes ${CONFIG_VERSION}.`,
  format: 'nat',
  default: CONFIG_VERSION,
});

interface ConfigMigration {
  /** the version it migrates from (to from + 1) */
  from: number;
  /** changes the document in place */
  migrate(document: YAML.Document): void;
}

const MIGRATIONS: readonly ConfigMigration[] = [
  // unversioned files: every shape they had is still valid (see the header)
  { from: 1, migrate: () => undefined },
];

/** The version a document says it is in (1 when it has none), or a ConfigError for a newer or malformed one. */
function versionOf(document: YAML.Document, file: string): number {
  const version: unknown = YAML.isMap(document.contents) ? document.get('version') : undefined;
  if (version === undefined || version === null) return 1;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw new ConfigError(file, 'version', `must be a whole number from 1 to ${CONFIG_VERSION}, got ${JSON.stringify(version)}`);
  if (version > CONFIG_VERSION) throw new ConfigError(file, 'version', `is ${version}: written by a newer cuttle (this one reads up to ${CONFIG_VERSION}); restore the config.yaml.v${CONFIG_VERSION}.bak it kept, or upgrade`);
  return version;
}

/** Runs the migrations a document needs, in place; the version it was in, or undefined when it was current. */
export function migrateDocument(document: YAML.Document, file: string): number | undefined {
  const from = versionOf(document, file);
  if (from === CONFIG_VERSION) return undefined;
  for (const step of MIGRATIONS) if (step.from >= from) step.migrate(document);
  // an empty file has no mapping to stamp: it stays empty (nothing to migrate)
  if (YAML.isMap(document.contents)) document.set('version', CONFIG_VERSION);
  return from;
}

/** Writes a migrated document over `file`, keeping the old file as `<file>.v<from>.bak` (never overwriting an older copy); the copy's path. */
export function persistMigration(file: string, document: YAML.Document, from: number): string | undefined {
  if (!existsSync(file) || !YAML.isMap(document.contents)) return undefined;
  const backup = `${file}.v${from}.bak`;
  try {
    copyFileSync(file, backup, constants.COPYFILE_EXCL);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  writeFileAtomicSync(file, String(document));
  return backup;
}
