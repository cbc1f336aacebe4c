/**
 * Settings contributed per module: the sections assembled into one schema validated at start (errors
 * name the file and the key), read through typed views, and changed with their listeners told.
 * The `@ts-expect-error` lines are compile-time checks: the build fails if the inferred types let them through.
 */
import { expect } from 'chai';
import { coreSettingsSections, loadSettings } from '../../core/container.js';
import { OCTOPRINT_FIELDS } from '../../core/octoprint-settings/octoprint-fields.js';
import { pluginsSettings } from '../../core/plugins/settings.js';
import { serialSettings } from '../../core/printer/settings.js';
import { ConvictSettings } from '../../core/settings/settings-impl.js';
import { choice, type SchemaValue } from '../../core/settings/settings-schema.js';
import { assembleSchema, defineSettings } from '../../core/settings/settings-section.js';
import { ConfigError } from '../../core/settings/settings-service.js';
import { basedirWith, loadError } from './settings-support.js';

const sample = defineSettings('sample', {
  name: { doc: 'A name.', format: String, default: 'x' },
  mode: { doc: 'A mode.', ...choice(['fast', 'slow'], 'slow') },
  limits: { count: { doc: 'A count.', format: 'nat', default: 3 } },
});
const sampleLog = defineSettings('sample.log', { days: { doc: 'Days kept.', format: 'nat', default: 7 } });

describe('settings sections', () => {
  it('infers the value type from the schema', () => {
    const value: SchemaValue<typeof sample.schema> = { name: 'a', mode: 'fast', limits: { count: 1 } };
    // @ts-expect-error a choice is the union of its values
    const wrongMode: SchemaValue<typeof sample.schema>['mode'] = 'medium';
    // @ts-expect-error a number setting is a number
    const wrongCount: SchemaValue<typeof sample.schema>['limits']['count'] = '1';
    expect([value, wrongMode, wrongCount]).to.have.length(3);
  });

  it('collects the sections the core modules contribute', () => {
    const sections = coreSettingsSections();
    expect(sections.map((s) => s.key)).to.include.members(['serial', 'printers', 'events', 'events.log']);
    expect(new Set(sections).size, 'each section contributed once').to.equal(sections.length);
  });

  it("names only declared settings in OctoPrint's field table", () => {
    const settings = loadSettings({ basedir: basedirWith(''), env: {} });
    for (const field of OCTOPRINT_FIELDS) expect(() => settings.valueAt(field.key), field.key).to.not.throw();
  });

  it("validates a module's section at load, naming the file and the key", () => {
    expect(loadError('serial:\n  baudrate: fast\n').key).to.equal('serial.baudrate');
  });

  it('tells the host\'s plugins.* settings, which the sections declare, from the plugins\' own sections', () => {
    const settings = loadSettings({ basedir: basedirWith('plugins:\n  disabled: [x]\n  my-plugin:\n    paths: 1\n'), env: {} });
    expect(settings.of(pluginsSettings).get().disabled).to.deep.equal(['x']);
    expect(settings.pluginSettings('my-plugin')).to.deep.equal({ paths: 1 });
    const notMapping = loadError('plugins: 5\n');
    expect(notMapping.key).to.equal('plugins');
    expect(notMapping.problem).to.contain('paths, disabled, nodeModules');
    expect(loadError('plugins:\n  paths: 5\n').key, 'a host setting is validated as one').to.equal('plugins.paths');
  });

  it('reads a section typed, with the file and the environment applied', () => {
    const settings = loadSettings({ basedir: basedirWith('serial:\n  baudrate: 250000\n  timeout:\n    hello: 500\n'), env: { CUTTLE_SERIAL_PORT: '/dev/ttyUSB0' } });
    const serial = settings.of(serialSettings).get();
    expect(serial.baudrate).to.equal(250000);
    expect(serial.timeout).to.deep.equal({ connection: 10000, hello: 500, communication: 30000, maxNudges: 5 });
    expect(serial.port).to.equal('/dev/ttyUSB0');
    expect(serial.virtual.faults.seed).to.equal(1);
  });

  it('applies an update together or not at all, and tells only that section\'s listeners', () => {
    const settings = new ConvictSettings({ basedir: basedirWith(''), env: {}, sections: [sample, sampleLog] });
    const view = settings.of(sample);
    const heard: string[][] = [];
    const heardLog: string[][] = [];
    view.onDidChange((e) => heard.push(e.keys));
    settings.of(sampleLog).onDidChange((e) => heardLog.push(e.keys));
    view.update({ mode: 'fast', limits: { count: 9 } });
    expect(view.get()).to.deep.include({ name: 'x', mode: 'fast', limits: { count: 9 } });
    expect(() => view.update({ name: 'y', mode: 'medium' as 'fast' })).to.throw(ConfigError, /sample\.mode/);
    expect(view.get().name, 'nothing of a refused update applied').to.equal('x');
    settings.of(sampleLog).update({ days: 1 });
    expect(heard).to.deep.equal([['sample.mode', 'sample.limits.count']]);
    expect(heardLog).to.deep.equal([['sample.log.days']]);
    expect(() => settings.of(serialSettings), 'a section no module contributed').to.throw(/"serial" is not contributed/);
  });

  it('places sections sharing a node together, and refuses a setting declared twice', () => {
    expect(Object.keys(assembleSchema([sample, sampleLog])['sample'] as object)).to.deep.equal(['name', 'mode', 'limits', 'log']);
    const twice = defineSettings('sample', { name: { format: String, default: '' } });
    expect(() => assembleSchema([sample, twice])).to.throw(/"name" is declared twice/);
  });
});
