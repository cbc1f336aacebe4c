/** Every GCODE-processing event from the command that causes it, as the command is sent (not when queued). */
import { expect } from 'chai';
import { HookRegistry } from '../../core/hooks/hook-points.js';
import { fastSerial, startPrinterHost, type PrinterHost } from './helpers.js';
import { waitFor } from '../support/wait.js';

const GCODE_EVENTS = ['PowerOn', 'PowerOff', 'Home', 'ZChange', 'Dwell', 'Waiting', 'Cooling', 'Alert', 'Conveyor', 'Eject', 'EStop', 'PositionUpdate', 'ToolChange'];

describe('GCODE-processing events', () => {
  let h: PrinterHost;
  afterEach(async () => h?.stop());

  /**
   * Sends `commands` and an M114 after them, and resolves with the GCODE events of `commands` once
   * that M114's PositionUpdate came: every event of the commands before it has come by then. Without
   * the sentinel (a command that halts the printer), it resolves at the `expected`th event.
   */
  async function sendAndCollect(commands: string[], expected: number, sentinel = true) {
    const before = h.events.length;
    const fired = () => h.events.slice(before).filter((e) => GCODE_EVENTS.includes(e.name) || e.name.startsWith('plugin_gcode'));
    if (!sentinel) {
      h.printer.commands(commands);
      await waitFor(() => fired().length >= expected, 10000, `${expected} events`);
      return fired();
    }
    h.printer.commands([...commands, 'M114']);
    await waitFor(() => fired().length > expected && fired().at(-1)!.name === 'PositionUpdate', 10000, `${expected} events and the sentinel's PositionUpdate`);
    return fired().slice(0, -1);
  }

  it('fires each event for its command, in the real forms (lower case, line numbers, comments, G1 Z.2, G91)', async () => {
    h = await startPrinterHost(fastSerial({ extruders: 2 }));
    await h.printer.connect();
    const fired = await sendAndCollect(
      [
        'M80',
        'm81 ; power off',
        'N12 G28*18',
        'G4 P1',
        'M0',
        'M1',
        'M226 P1 S0',
        'M245',
        'M300 S440 P10',
        'M240',
        'M40',
        'T1',
        'G1 Z.2 F1200',
        'g1 z0.4 ; next layer',
        'G1 Z0.4 X10',
        'G91',
        'G1 Z1.5',
        'G90',
        'M600',
        'M114',
      ],
      17,
    );
    expect(fired.map((e) => e.name)).to.deep.equal([
      'PowerOn',
      'PowerOff',
      'Home',
      'Dwell',
      'Waiting',
      'Waiting',
      'Waiting',
      'Cooling',
      'Alert',
      'Conveyor',
      'Eject',
      'ToolChange',
      'ZChange',
      'ZChange',
      'ZChange',
      'plugin_gcode_events_FilamentChange',
      'PositionUpdate',
    ]);
    const payloads = (name: string) => fired.filter((e) => e.name === name).map((e) => e.payload);
    expect(payloads('ToolChange')).to.deep.equal([{ old: 0, new: 1, printer: 'default' }]);
    expect(payloads('ZChange')).to.deep.equal([
      { old: 0, new: 0.2, printer: 'default' },
      { old: 0.2, new: 0.4, printer: 'default' },
      { old: 0.4, new: 1.9, printer: 'default' },
    ]);
    expect(payloads('PositionUpdate')).to.deep.equal([{ x: 10, y: 0, z: 1.9, e: 0, t: 1, f: 1200, printer: 'default' }]);
    expect(payloads('plugin_gcode_events_FilamentChange')).to.deep.equal([{ command: 'M600', printer: 'default' }]);
    for (const name of ['PowerOn', 'Home', 'Waiting', 'EStop'].filter((n) => payloads(n).length)) expect(payloads(name)[0]).to.deep.equal({ printer: 'default' });

    // M112 jumps the queue, fires EStop, and the (Marlin-like) printer halts: the connection ends in Error
    const estop = await sendAndCollect(['M112'], 1, false);
    expect(estop.map((e) => e.name)).to.deep.equal(['EStop']);
    await waitFor(() => h.names().includes('Error'), 10000, 'Error after the halt');
    expect(h.printer.state.id).to.equal('CLOSED_WITH_ERROR');
  });

  it('fires nothing for a command a gcode.sending hook drops: events follow what is sent, not what is queued', async () => {
    h = await startPrinterHost(fastSerial());
    h.t.get<HookRegistry>(HookRegistry).register('gcode.sending', (command) => (command.startsWith('M300') ? null : undefined), { owner: 'test' });
    await h.printer.connect();
    const fired = await sendAndCollect(['M300 S1000 P5', 'M80'], 1);
    expect(fired.map((e) => e.name)).to.deep.equal(['PowerOn']);
    // whoever waits for a dropped command's answer is answered at once (nothing will come)
    expect(await h.printer.commandsAcknowledged('M300 S440 P5')).to.deep.equal([]);
  });

  it('ignores z-hops for ZChange when configured: a change counts once an extruding move confirms it', async () => {
    h = await startPrinterHost({ ...fastSerial(), plugins: { 'gcode-events': { ignoreZHops: true } } });
    await h.printer.connect();
    const fired = await sendAndCollect(
      [
        'G1 Z0.2 F600',
        'G1 X1 E1',
        'G1 Z0.6', // hop up
        'G1 X20', // travel
        'G1 Z0.2', // and down again
        'G1 X21 E2',
        'G1 Z0.4',
        'G1 X22 E3',
        'M80',
      ],
      3,
    );
    expect(fired.filter((e) => e.name === 'ZChange').map((e) => e.payload)).to.deep.equal([
      { old: null, new: 0.2, printer: 'default' },
      { old: 0.2, new: 0.4, printer: 'default' },
    ]);
  });
});
