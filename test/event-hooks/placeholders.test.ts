/**
 * Placeholders: every generic one (from the event and the printer's snapshot), payload keys, nested
 * keys, lists and objects as JSON, `NO FILE`, escapes; an unknown placeholder skips only its own
 * subscription with a warning naming both. Also the `gcode` type against the simulated printer.
 */
import { expect } from 'chai';
import { parseTemplate } from '../../core/event-hooks/api.js';
import { PrinterService, type PrinterSnapshot, type PrinterStateId } from '../../core/printer/printer-service.js';
import { type AnyFiredEvent } from '../../core/events/event-bus.js';
import { eventPlaceholders, NO_FILE } from '../../core/event-hooks/placeholders.js';
import { EventHooks } from '../../core/event-hooks/api.js';
import { startTestHost } from '../support/host.js';
import { logsMentioning, makeRecorder, type Recorder } from './support.js';
import { waitFor } from '../support/wait.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';

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

describe('event hooks: gcode type and unknown placeholders', function () {
  this.timeout(30000);
  let recorder: Recorder;
  before(() => (recorder = makeRecorder()));
  after(() => recorder.remove());

  it('sends resolved G-code in order to the event\'s printer while connected, skips while not, and never lets a value start a new line', async () => {
    const t = await startTestHost({
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
    try {
      const hooks = t.get<EventHooks>(EventHooks);
      const printer = t.get<PrinterRegistry>(PrinterRegistry).first()!.printer;
      const sent: string[] = [];
      printer.onCommandSent(({ command }) => command.startsWith('M117') && sent.push(command));
      const payload = { name: 'evil\nM112.gcode', path: 'p', origin: 'local', file: 'f', filename: 'n', printer: 'default' };
      const offline = await hooks.testFire('FileSelected', payload);
      expect(offline.subscriptions[0]).to.include({ status: 'skipped' });
      expect(offline.subscriptions[0]!.reason).to.match(/not connected \(OFFLINE\)/);
      expect(recorder.take()).to.deep.equal([[NO_FILE]]);

      await printer.connect({ port: 'virtual' });
      printer.commands('G1 Z0.6 F600');
      await waitFor(() => printer.snapshot().currentZ === 0.6, 10000, 'Z at 0.6');
      // the real selection fires FileSelected with printer "default": its subscriptions run once
      await printer.selectFile({ origin: 'local', path: 'sub/x.gcode', name: 'x.gcode', size: 1, diskPath: recorder.program }, false);
      await waitFor(() => sent.length >= 2, 10000, 'the selection\'s two M117');
      await hooks.idle(5000);
      expect(recorder.take()).to.deep.equal([['x.gcode']]);
      t.host.bus.fire('FileSelected', payload as never);
      await t.host.bus.idle(2000);
      await hooks.idle(5000);
      await waitFor(() => sent.length >= 4, 10000, 'the fired event\'s two M117');
      expect(sent).to.deep.equal(['M117 x.gcode', 'M117 Z=0.6 0%', 'M117 evil M112.gcode', 'M117 Z=0.6 0%']);
      expect(recorder.take()).to.deep.equal([['x.gcode']]);
      const warnings = logsMentioning(t, 'unknown placeholder {nope}');
      expect(warnings.length).to.be.at.least(3);
      expect(warnings[0]).to.contain('events.subscriptions[2] (FileSelected → system)');
    } finally {
      await t.stop();
    }
  });
});
