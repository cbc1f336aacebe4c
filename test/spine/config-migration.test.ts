/**
 * config.yaml versions (issue 24): a file in each shape earlier versions wrote loads, is migrated on
 * start (as `cuttle serve` does: migrate: true) with its old text kept as config.yaml.v1.bak, and
 * its values, comments and printers come through; a file from a newer cuttle is refused by name.
 * The shapes are the files of this repository's history: config/config.example.yaml as first
 * written (one printer under serial.*, before the event log), the one the event log's commit
 * allowed (events.log, still before printers:), and the unversioned file with printers:.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import YAML from 'yaml';
import { loadSettings } from '../../core/container.js';
import { configuredPrinterEntries } from '../../core/printers/printers-config.js';
import { CONFIG_VERSION } from '../../core/settings/config-migrations.js';
import { ConfigError } from '../../core/settings/settings-service.js';
import { serverSettings } from '../../core/http/settings.js';

const BEFORE_EVENT_LOG = `# An example <basedir>/config.yaml (default basedir: ~/.cuttle).
server:
  host: 0.0.0.0        # listen on the network, not only on this machine
  port: 5000
api:
  key: ""
serial:
  port: /dev/ttyUSB0
  baudrate: 250000
logging:
  level: info
plugins:
  disabled: []
events:
  enabled: True
  subscriptions:
  - event: Connected
    command:
    - M115
    - G28
    type: gcode
`;

const BEFORE_PRINTERS = `server:
  port: 5001
serial:
  port: /dev/ttyACM0
  baudrate: 115200
  autoconnect: true
events:
  historySize: 5000
  log:
    maxAgeDays: 7
`;

const UNVERSIONED_WITH_PRINTERS = `server:
  port: 5002
events:
  log:
    maxAgeDays: 14
printers:
  - id: left
    name: Left
    connection: { port: /dev/ttyUSB0, baudrate: 115200 }
  - id: right
    connection: { port: virtual }
`;

function basedirWith(yaml: string): { basedir: string; file: string } {
  const basedir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-migrate-'));
  const file = path.join(basedir, 'config.yaml');
  writeFileSync(file, yaml);
  return { basedir, file };
}

/** Loads as `serve` does, and checks what every migration from version 1 must do. */
function migrated(yaml: string) {
  const { basedir, file } = basedirWith(yaml);
  const settings = loadSettings({ basedir, env: {}, migrate: true });
  expect(settings.migration).to.deep.equal({ from: 1, backup: `${file}.v1.bak` });
  expect(readFileSync(`${file}.v1.bak`, 'utf8'), 'the old file is kept as it was').to.equal(yaml);
  const text = readFileSync(file, 'utf8');
  expect((YAML.parse(text) as { version: number }).version).to.equal(CONFIG_VERSION);
  const again = loadSettings({ basedir, env: {}, migrate: true });
  expect(again.migration, 'a migrated file is not migrated again').to.equal(undefined);
  return { settings: again, text };
}

describe('config.yaml versions', () => {
  it('migrates the file before the event log (one printer under serial.*), keeping its comments', () => {
    const { settings, text } = migrated(BEFORE_EVENT_LOG);
    expect(text).to.contain('# listen on the network, not only on this machine');
    expect(settings.of(serverSettings).get().host).to.equal('0.0.0.0');
    expect(settings.valueAt('events.subscriptions')).to.have.length(1);
    const [printer, ...others] = configuredPrinterEntries(settings);
    expect(others).to.deep.equal([]);
    expect(printer!.id).to.equal('default');
    expect(printer!.connection).to.include({ port: '/dev/ttyUSB0', baudrate: 250000 });
  });

  it('migrates the file before printers: (events.log, serial.*)', () => {
    const { settings } = migrated(BEFORE_PRINTERS);
    expect(settings.valueAt('events.log.maxAgeDays')).to.equal(7);
    expect(configuredPrinterEntries(settings).map((p) => [p.id, p.connection.port, p.connection.autoconnect])).to.deep.equal([['default', '/dev/ttyACM0', true]]);
  });

  it('migrates the unversioned file with printers:', () => {
    const { settings } = migrated(UNVERSIONED_WITH_PRINTERS);
    expect(configuredPrinterEntries(settings).map((p) => p.id)).to.deep.equal(['left', 'right']);
    expect(settings.valueAt('events.log.maxAgeDays')).to.equal(14);
  });

  it('reads an old file migrated in memory without writing it unless asked (config check, config show)', () => {
    const { basedir, file } = basedirWith(BEFORE_PRINTERS);
    const settings = loadSettings({ basedir, env: {} });
    expect(settings.migration).to.deep.equal({ from: 1, backup: undefined });
    expect(readFileSync(file, 'utf8')).to.equal(BEFORE_PRINTERS);
    expect(existsSync(`${file}.v1.bak`)).to.equal(false);
  });

  it('stamps the version on a file it writes itself, so the next start migrates nothing', async () => {
    const { basedir, file } = basedirWith('');
    const settings = loadSettings({ basedir, env: {}, migrate: true });
    settings.of(serverSettings).update({ port: 5003 });
    await settings.save();
    expect((YAML.parse(readFileSync(file, 'utf8')) as { version: number }).version).to.equal(CONFIG_VERSION);
    expect(loadSettings({ basedir, env: {}, migrate: true }).migration).to.equal(undefined);
  });

  it('refuses a file from a newer cuttle, naming the version', () => {
    const { basedir } = basedirWith(`version: ${CONFIG_VERSION + 1}\nserver:\n  port: 5000\n`);
    expect(() => loadSettings({ basedir, env: {}, migrate: true })).to.throw(ConfigError, /"version": is 3: written by a newer cuttle/);
  });
});
