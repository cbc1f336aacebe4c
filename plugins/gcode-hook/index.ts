/**
 * The `gcode` event-hook type: each command of a subscription is one G-code line, placeholders filled
 * in, queued through the printer's normal queue and `gcode.*` hooks, in order. Only while connected;
 * otherwise the command is logged and skipped. A substituted value cannot start a second line: line
 * breaks in values become spaces (a filename must not be able to send M112). The G-code goes to the
 * event's printer (its payload's `printer`); a shared event's to the first printer.
 */
import { eventPrinter, HookType, inject, Plugin, PrinterRegistry, type CommandOutcome, type HookRun } from 'cuttle';
import { isOperational } from '../../core/printer/octoprint-views.js';

@HookType()
@Plugin({
  id: 'gcode-hook',
  name: 'G-code event hooks',
  version: '1.0.0',
  description: 'The gcode type of events.subscriptions: sends G-code to the printer when an event fires.',
})
export class GcodeHookPlugin implements HookType {
  readonly name = 'gcode';

  constructor(@inject(PrinterRegistry) private readonly printers: PrinterRegistry) {}

  async runCommand(template: string, run: HookRun): Promise<CommandOutcome> {
    const line = run.placeholders.substitute(template, (value) => value.replace(/[\r\n]+/g, ' ')).trim();
    const id = eventPrinter(run.event.payload);
    const scope = id === undefined ? this.printers.first() : this.printers.get(id);
    if (!scope) return { command: line, status: 'skipped', detail: id === undefined ? 'the host has no printer' : `no printer "${id}" (removed?)` };
    const state = scope.printer.state.id;
    if (!isOperational(state)) return { command: line, status: 'skipped', detail: `printer ${scope.id} not connected (${state})` };
    run.announce(line);
    scope.printer.commands(line);
    return { command: line, status: 'ok', detail: 'queued' };
  }
}
