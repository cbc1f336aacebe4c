/**
 * The settings pages (core/settings-pages) without a host: a plugin's schema with every kind of
 * setting (shorthand, choice, a group with a secret and a port, a list, an object) described as form
 * fields; a change to one member of a group saved with the group's other members kept, a secret sent
 * back empty left as it was, never shown, and cleared when sent as null; a bad value or an unknown key refused naming its key.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import YAML from 'yaml';
import { loadSettings } from '../../core/container.js';
import type { PluginHost } from '../../core/plugins/plugin-host.js';
import type { PluginSettingsSchema } from '../../core/plugins/plugin-info.js';
import { ValidatedPluginSettings } from '../../core/plugins/plugin-settings.js';
import { SettingsPages } from '../../core/settings-pages/pages.js';
import { FieldError, type SettingField, type SettingGroup } from '../../core/settings-pages/schema-form.js';
import { basedirWith } from './settings-support.js';

const SCHEMA: PluginSettingsSchema = {
  greeting: 'hi',
  level: { doc: 'how loud', format: ['low', 'high'], default: 'low' },
  broker: {
    host: { format: String, default: 'localhost' },
    token: { format: String, default: '', sensitive: true },
    port: { format: 'port', default: 1883 },
  },
  tags: { format: Array, default: ['a'] },
  limits: {
    format: (value: unknown) => {
      if (value === null || typeof value !== 'object') throw new Error('must be a mapping');
    },
    default: { a: 1 },
  },
};

describe('settings pages', () => {
  const settings = loadSettings({ basedir: basedirWith('version: 2\n'), env: {} });
  const plugin = new ValidatedPluginSettings('demo', SCHEMA, settings, (err) => {
    throw err;
  });
  // what SettingsPages reads of the plugin host: the record and the running plugin's settings
  const host = {
    list: () => [{ id: 'demo', name: 'Demo', version: '1.0.0', description: 'A demo plugin.', origin: 'path', source: 'test', state: 'loaded' }],
    settingsOf: (id: string) => (id === 'demo' ? { schema: SCHEMA, settings: plugin } : undefined),
  } as unknown as PluginHost;
  const pages = new SettingsPages(settings, host);
  const saved = () => YAML.parse(readFileSync(settings.configFile, 'utf8')).plugins.demo;
  const field = (nodes: readonly (SettingField | SettingGroup)[], name: string) => nodes.find((n) => n.name === name)!;

  after(() => plugin.dispose());

  it("describes a plugin's schema as form fields, each kind from its format or its default", () => {
    const page = pages.get('plugins.demo')!;
    expect(page).to.include({ title: 'Demo', owner: 'plugin' });
    expect(field(page.fields, 'greeting')).to.include({ type: 'text', default: 'hi', key: 'plugins.demo.greeting' });
    expect(field(page.fields, 'level')).to.deep.include({ type: 'choice', choices: ['low', 'high'], doc: 'how loud' });
    const broker = field(page.fields, 'broker') as SettingGroup;
    expect(broker.kind).to.equal('group');
    expect(field(broker.fields, 'port')).to.include({ type: 'integer', min: 0, max: 65535, key: 'plugins.demo.broker.port' });
    expect(field(broker.fields, 'token')).to.include({ sensitive: true, set: false });
    expect((field(page.fields, 'tags') as SettingField).type).to.equal('list');
    expect((field(page.fields, 'limits') as SettingField).type).to.equal('json');
    expect(pages.list().map((p) => p.id)).to.deep.equal(['webcam', 'timelapse', 'events', 'plugins.demo']);
  });

  it("saves one member of a group with the others kept; a secret sent back empty stays, is never shown, and is cleared by null", async () => {
    await pages.update('plugins.demo', { broker: { token: 'hush', port: 8883 } });
    expect(saved()).to.deep.equal({ broker: { host: 'localhost', token: 'hush', port: 8883 } });
    let page = (await pages.update('plugins.demo', { broker: { token: '', host: 'mq.local' } }))!;
    expect(saved().broker).to.deep.equal({ host: 'mq.local', token: 'hush', port: 8883 });
    expect(page.values['broker']).to.deep.equal({ host: 'mq.local', token: '', port: 8883 });
    expect(field((field(page.fields, 'broker') as SettingGroup).fields, 'token')).to.include({ set: true });
    expect(JSON.stringify(page)).to.not.contain('hush');
    // null clears it (the form's "Clear"): '' in config.yaml, and the field says none is set
    page = (await pages.update('plugins.demo', { broker: { token: null } }))!;
    expect(saved().broker).to.deep.equal({ host: 'mq.local', token: '', port: 8883 });
    expect(field((field(page.fields, 'broker') as SettingGroup).fields, 'token')).to.include({ set: false });
    page = (await pages.update('plugins.demo', { tags: ['x', 'y'], level: 'high' }))!;
    expect(page.values).to.deep.include({ tags: ['x', 'y'], level: 'high' });
    expect(plugin.get()).to.deep.include({ level: 'high' });
  });

  it('refuses a bad value or an unknown key naming it, and changes nothing', async () => {
    const before = readFileSync(settings.configFile, 'utf8');
    for (const [patch, key] of [
      [{ broker: { port: 70000 } }, 'plugins.demo.broker.port'],
      [{ level: 'medium' }, 'plugins.demo.level'],
      [{ broker: { nope: 1 } }, 'plugins.demo.broker.nope'],
      [{ fps: 1 }, 'plugins.demo.fps'],
    ] as const) {
      const err = await pages.update('plugins.demo', patch).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, JSON.stringify(patch)).to.be.instanceOf(FieldError);
      expect((err as FieldError).key).to.equal(key);
    }
    expect(readFileSync(settings.configFile, 'utf8')).to.equal(before);
    expect(await pages.update('plugins.nosuch', {})).to.equal(undefined);
  });
});
