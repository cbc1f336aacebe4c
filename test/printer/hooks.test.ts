/** The gcode.* hook points: queuing rewrites, expands and drops; a throwing handler is isolated; received lines can be rewritten. */
import { expect } from 'chai';
import path from 'node:path';
import { HookRegistry } from '../../core/hooks/hook-points.js';
import { fastSerial, gcodeFile, startPrinterHost, tempDir, type PrinterHost } from './helpers.js';
import { waitFor } from '../support/wait.js';

describe('gcode hook points', () => {
  let h: PrinterHost;
  const dir = tempDir();
  afterEach(async () => h?.stop());

  it('gcode.queuing rewrites, expands and drops commands, from the API and from the job, and a throwing handler is skipped', async () => {
    h = await startPrinterHost(fastSerial());
    const hooks = h.t.get<HookRegistry>(HookRegistry);
    const contexts: { command: string; fromJob: boolean; code: string | null }[] = [];
    hooks.register('gcode.queuing', () => {
      throw new Error('broken plugin');
    }, { owner: 'broken', order: 1 });
    hooks.register('gcode.queuing', (command, context) => {
      contexts.push({ command, ...context });
      if (context.code === 'M104') return command.replace(/S\d+/, 'S210'); // rewrite
      if (context.code === 'M300') return null; // drop
      if (context.code === 'G29') return ['G28', 'M420 S1']; // expand
      return undefined;
    }, { owner: 'test' });
    const sent: string[] = [];
    const received: string[] = [];
    h.printer.onCommandSent((c) => sent.push(`${c.fromJob ? 'job' : 'api'} ${c.command}`));
    hooks.register('gcode.sent', (command) => received.push(`sent-hook ${command}`), { owner: 'test' });
    await h.printer.connect();
    h.printer.commands(['M104 S200', 'M300 S440 P100', 'G29', 'M105']);
    await waitFor(() => sent.includes('api M105'), 10000, 'api commands');
    await h.printer.selectFile(gcodeFile(dir, 'hooked.gcode', ['M104 S180', 'M300', 'G1 X1']), true);
    await waitFor(() => h.names().includes('PrintDone'), 10000, 'PrintDone');
    expect(sent).to.deep.equal(['api M115', 'api M104 S210', 'api G28', 'api M420 S1', 'api M105', 'job M104 S210', 'job G1 X1']);
    expect(received).to.include.members(['sent-hook M104 S210', 'sent-hook M420 S1']);
    expect(contexts.filter((c) => c.code === 'M300').map((c) => c.fromJob)).to.deep.equal([false, true]);
    const thrown = h.t.logs.filter((l) => l.owner === 'broken' && l.hook === 'gcode.queuing');
    expect(thrown.length).to.be.greaterThan(0);
    expect(thrown[0]!.level).to.equal(50);
  });

  it('gcode.received rewrites or hides lines from the printer before they are parsed', async () => {
    h = await startPrinterHost(fastSerial());
    const hooks = h.t.get<HookRegistry>(HookRegistry);
    // a firmware that reports the bed as "B:" is taught to report 55 °C; and echo lines are hidden
    hooks.register('gcode.received', (line) => (line.startsWith('echo:') ? null : line.replace(/B:[\d.]+/, 'B:55.00')), { owner: 'test' });
    await h.printer.connect();
    h.printer.commands(['M105']);
    await waitFor(() => h.printer.snapshot().temperatures.bed?.actual === 55, 10000, 'temperature');
    expect(h.printer.snapshot().temperatures.tool0!.actual).to.be.a('number');
  });

  it('a plugin\'s @Hook(\'gcode.queuing\') methods rewrite and drop commands', async () => {
    h = await startPrinterHost({ ...fastSerial(), plugins: { paths: [path.join(__dirname, 'fixtures', 'gcode-hooks-plugin')] } });
    const sent: string[] = [];
    h.printer.onCommandSent((c) => sent.push(c.command));
    await h.printer.connect();
    h.printer.commands(['M104 S200', 'M300 S440 P100', 'M140 S60']);
    await waitFor(() => sent.includes('M140 S60'), 10000, 'M140');
    expect(sent.filter((c) => /^M(104|300|140)/.test(c))).to.deep.equal(['M104 S210', 'M140 S60']);
  });
});
