/** A plugin listening straight to the printer's signals is isolated: its throws are logged with its id, off the serial path, and the print goes on. */
import path from 'node:path';
import { expect } from 'chai';
import type { ThrowingListener } from './fixtures/throwing-listener-plugin/index.js';
import { fastSerial, gcodeFile, startPrinterHost, tempDir, type PrinterHost } from './helpers.js';
import { waitFor } from '../support/wait.js';

describe('plugin listeners on the serial path', () => {
  let h: PrinterHost;
  const dir = tempDir();
  afterEach(async () => h?.stop());

  it('a throwing plugin listener is logged with its plugin id and the print finishes', async () => {
    h = await startPrinterHost({ ...fastSerial(), plugins: { paths: [path.join(__dirname, 'fixtures', 'throwing-listener-plugin')] } });
    const plugin = h.t.host.plugins.instance<ThrowingListener>('test-throwing-listener')!;
    expect(plugin, 'fixture plugin loaded').to.not.equal(undefined);
    await h.printer.connect();
    const moves = Array.from({ length: 50 }, (_, i) => `G1 X${i} Y${i} E${i * 0.1}`);
    await h.printer.selectFile(gcodeFile(dir, 'moves.gcode', moves), true);
    await waitFor(() => h.names().includes('PrintDone'), 10000, 'PrintDone');
    await h.t.host.bus.idle(2000);

    expect(h.printer.state.id).to.equal('OPERATIONAL');
    expect(h.names(['PrintFailed'])).to.deep.equal([]);
    const thrown = h.t.logs.filter((l) => l.level === 50 && l.plugin === 'test-throwing-listener');
    expect(thrown.length, 'one error per G1 line').to.equal(moves.length);
    expect(thrown[0]!.msg).to.equal('a listener of plugin test-throwing-listener threw');
    expect((thrown[0]!.err as { message: string }).message).to.equal('cannot handle G1 X0 Y0 E0');
    expect(h.t.logs.some((l) => l.msg === 'a printer listener threw'), 'not reported as an anonymous printer listener').to.equal(false);
    // delivered from the owned-listener queue, not from inside the printer's send path
    expect(plugin.stacks).to.have.length(moves.length);
    for (const stack of plugin.stacks) expect(stack).to.not.match(/printer-service-impl|job-control|protocol\.js/);
    expect(plugin.logLines).to.be.greaterThan(moves.length);
  });
});
