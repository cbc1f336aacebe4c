/** On a farm, one gcode hook handler serves every printer: its context says which printer a command or line is for. */
import { expect } from 'chai';
import { HookRegistry } from '../../core/hooks/hook-points.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { stopFarm, virtualPrinter } from './support.js';
import { waitFor } from '../support/wait.js';

describe('gcode hook context on a farm', () => {
  let t: TestHost | undefined;
  afterEach(async () => {
    await stopFarm(t);
    t = undefined;
  });

  it('gcode.queuing, sending, sent and received name the printer', async () => {
    t = await startTestHost({ config: { printers: [virtualPrinter('left'), virtualPrinter('right')] } });
    const hooks = t.get<HookRegistry>(HookRegistry);
    const seen: string[] = [];
    hooks.register('gcode.queuing', (command, context) => void (context.code === 'M117' && seen.push(`queuing ${context.printer} ${command}`)), { owner: 'test' });
    hooks.register('gcode.sending', (command, context) => void (context.code === 'M117' && seen.push(`sending ${context.printer} ${command}`)), { owner: 'test' });
    hooks.register('gcode.sent', (command, context) => void (context.code === 'M117' && seen.push(`sent ${context.printer} ${command}`)), { owner: 'test' });
    hooks.register('gcode.received', (line, context) => void (line.startsWith('echo:Marlin') && seen.push(`received ${context.printer}`)), { owner: 'test' });
    const registry = t.get<PrinterRegistry>(PrinterRegistry);
    for (const id of ['left', 'right']) {
      const printer = registry.get(id)!.printer;
      await printer.connect();
      printer.commands([`M117 hello ${id}`]);
    }
    await waitFor(() => seen.filter((s) => s.startsWith('sent')).length >= 2, 10_000, 'both M117 sent');
    for (const id of ['left', 'right']) {
      expect(seen).to.include.members([`queuing ${id} M117 hello ${id}`, `sending ${id} M117 hello ${id}`, `sent ${id} M117 hello ${id}`, `received ${id}`]);
    }
  });
});
