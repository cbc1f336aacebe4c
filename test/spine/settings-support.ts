/** Helpers of the settings tests: a basedir holding a given config.yaml, and the ConfigError loading one gives. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadSettings } from '../../core/container.js';
import { ConfigError } from '../../core/settings/settings-service.js';

export function basedirWith(yaml: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-settings-'));
  writeFileSync(path.join(dir, 'config.yaml'), yaml);
  return dir;
}

/** The ConfigError loading `yaml` gives, checked to name its file. */
export function loadError(yaml: string): ConfigError {
  const basedir = basedirWith(yaml);
  try {
    loadSettings({ basedir, env: {} });
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    expect((err as ConfigError).file).to.equal(path.join(basedir, 'config.yaml'));
    expect((err as Error).message).to.contain(path.join(basedir, 'config.yaml'));
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}
