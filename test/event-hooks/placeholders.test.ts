/**
 * Placeholders: every generic one (from the event and the printer's snapshot), payload keys, nested
 * keys, lists and objects as JSON, `NO FILE`, escapes; an unknown placeholder skips only its own
 * subscription with a warning naming both. Also the `gcode` type against a stand-in printer.
 */
import { expect } from 'chai';
import { parseTemplate, PrinterService, type AnyFiredEvent, type PrinterSnapshot, type PrinterStateId } from '../../core/index.js';
import { eventPlaceholders, NO_FILE } from '../../core/event-hooks/placeholders.js';
import { EventHooks } from '../../core/event-hooks/api.js';
import { startTestHost } from '../support/host.js';
import { logsMentioning, makeRecorder, type Recorder } from './support.js';

const time = '2026-11-25T20:00:00.000Z';
const event = (name: string, payload: object): AnyFiredEvent => ({ name, payload, seq: 7, time });

function snapshot(state: PrinterStateId, job: PrinterSnapshot['job'], completion: number | null, currentZ: number | null): PrinterSnapshot {
  return {
    state: { id: state, text: state, error: '' },
    connection: null,
    temperatures: {},
    job,
    progress: { completion, filepos: null, linesSent: 0, printTime: null, printTimeLeft: null },
    currentZ,
  };
}

/** The parts of PrinterService the hooks use; the rest is never called here. */
class StandInPrinter {
  sent: string[] = [];
  current = snapshot('OFFLINE', null, null, null);
  get state() {
    return this.current.state;
  }
  snapshot() {
    return this.current;
  }
  commands(lines: string | readonly string[]) {
    this.sent.push(...(typeof lines === 'string' ? [lines] : lines));
  }
}

describe('event hooks: placeholders', () => {
  it('gives the generic placeholders their spec defaults when nothing is known', () => {
    const p = eventPlaceholders(event('PrintDone', { name: 'a' }), null);
    expect(p.value('__currentZ')).to.equal('-1');
    expect(p.value('__filename')).to.equal(NO_FILE);
    expect(p.value('__filepath')).to.equal('NO FILE');
    expect(p.value('__fileorigin')).to.equal('NO FILE');
    expect(p.value('__progress')).to.equal('0');
    expect(p.value('__now')).to.equal(time);
    expect(p.value('__eventname')).to.equal('PrintDone');
    expect(p.value('__data')).to.equal('{"name":"a"}');
    expect(JSON.parse(p.value('__json')!)).to.deep.equal({ event: 'PrintDone', payload: { name: 'a' }, seq: 7, time });
  });

  it('takes current Z, the selected file and progress from the printer snapshot', () => {
    const job = { origin: 'local' as const, path: 'folder/cube.gcode', name: 'cube.gcode', size: 10 };
    const p = eventPlaceholders(event('ZChange', { old: 0.2, new: 0.4 }), snapshot('PRINTING', job, 42.7, 0.4));
    expect(p.substitute('{__currentZ}|{__filename}|{__filepath}|{__fileorigin}|{__progress}')).to.equal('0.4|cube.gcode|folder/cube.gcode|local|42');
  });

  it('resolves payload keys, nested keys, lists and objects as JSON, numbers and booleans as JSON', () => {
    const payload = {
      name: 'cube.gcode',
      position: { x: 10.5, y: null, z: 0.2, e: 0, t: 0, f: 1200 },
      type: ['machinecode', 'gcode'],
      progressAvailable: true,
      'dotted.key': 'own',
    };
    const p = eventPlaceholders(event('X', payload), null);
    expect(p.substitute('{name} {position.x} {position.y} {position.z}')).to.equal('cube.gcode 10.5 null 0.2');
    expect(p.substitute('{position}')).to.equal('{"x":10.5,"y":null,"z":0.2,"e":0,"t":0,"f":1200}');
    expect(p.substitute('{type} {type.1} {progressAvailable}')).to.equal('["machinecode","gcode"] gcode true');
    expect(p.value('dotted.key')).to.equal('own');
    expect(p.value('position.w')).to.equal(undefined);
    expect(p.value('constructor')).to.equal(undefined);
    expect(p.value('name.length')).to.equal(undefined);
  });

  it('keeps {{ }} as literal braces and ${…} for the shell, and throws for an unknown name', () => {
    const p = eventPlaceholders(event('X', { a: 1 }), null);
    expect(p.substitute('{{a}} {a} ${a} {not a placeholder} {"json": {a}}')).to.equal('{a} 1 ${a} {not a placeholder} {"json": 1}');
    expect(() => p.substitute('{missing}')).to.throw(/unknown placeholder \{missing\}/);
    expect(parseTemplate('M117 {name}!')).to.deep.equal([{ text: 'M117 ' }, { placeholder: 'name' }, { text: '!' }]);
  });
});

describe('event hooks: gcode type and unknown placeholders', () => {
  let recorder: Recorder;
  before(() => (recorder = makeRecorder()));
  after(() => recorder.remove());

  it('sends resolved G-code in order while connected, skips while not, and never lets a value start a new line', async () => {
    const t = await startTestHost({
      noStart: true,
      config: {
        events: {
          subscriptions: [
            { event: 'FileSelected', type: 'gcode', command: ['M117 {name}', 'M117 Z={__currentZ} {__progress}%'] },
            { event: 'FileSelected', type: 'system', command: `${recorder.program} {__filename}` },
            { event: 'FileSelected', type: 'system', command: `${recorder.program} {nope}` },
          ],
        },
      },
    });
    const printer = new StandInPrinter();
    // other services also listen to the printer: give them silent events and no-op methods
    const silent = (key: string | symbol) => (typeof key === 'string' && key.startsWith('on') ? () => ({ dispose() {} }) : () => undefined);
    const service = new Proxy(printer, {
      get: (target, key, receiver) =>
        key in target || key === 'then'
          ? Reflect.get(target, key, receiver)
          : key === 'sd' ? new Proxy({}, { get: (_sd, sdKey) => silent(sdKey) }) : silent(key),
    }) as unknown as PrinterService;
    const container = t.host.container;
    if (container.isBound(PrinterService)) container.rebind(PrinterService).toConstantValue(service);
    else container.bind(PrinterService).toConstantValue(service);
    await t.host.start();
    try {
      const hooks = t.get<EventHooks>(EventHooks);
      const payload = { name: 'evil\nM112.gcode', path: 'p', origin: 'local', file: 'f', filename: 'n' };
      const offline = await hooks.testFire('FileSelected', payload);
      expect(offline.subscriptions[0]).to.include({ status: 'skipped' });
      expect(offline.subscriptions[0]!.reason).to.match(/not connected \(OFFLINE\)/);
      expect(printer.sent).to.deep.equal([]);
      expect(recorder.take()).to.deep.equal([[NO_FILE]]);

      printer.current = snapshot('PRINTING', { origin: 'local', path: 'sub/x.gcode', name: 'x.gcode', size: 1 }, 12.5, 0.6);
      t.host.bus.fire('FileSelected', payload as never);
      await t.host.bus.idle(2000);
      await hooks.idle(5000);
      expect(printer.sent).to.deep.equal(['M117 evil M112.gcode', 'M117 Z=0.6 12%']);
      expect(recorder.take()).to.deep.equal([['x.gcode']]);
      const warnings = logsMentioning(t, 'unknown placeholder {nope}');
      expect(warnings.length).to.be.at.least(2);
      expect(warnings[0]).to.contain('events.subscriptions[2] (FileSelected → system)');
    } finally {
      await t.stop();
    }
  });
});
