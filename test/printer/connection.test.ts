/** The handshake with the in-process simulator, and the Printer-communication events it produces. */
import { expect } from 'chai';
import { fastSerial, startPrinterHost, waitFor, type PrinterHost } from './helpers.js';

describe('printer connection (in-process virtual printer)', () => {
  let h: PrinterHost;
  afterEach(async () => h?.stop());

  it('handshakes: M110 N0, M115 firmware and capabilities, then Operational with Connecting/Connected events', async () => {
    h = await startPrinterHost(fastSerial());
    const sent: string[] = [];
    h.printer.onLog(({ direction, line }) => direction === 'send' && sent.push(line));
    await h.printer.connect();
    expect(h.printer.state.id).to.equal('OPERATIONAL');
    expect(sent[0]).to.match(/^N0 M110 N0\*\d+$/);
    expect(sent[1]).to.match(/^N1 M115\*\d+$/);
    const firmware = h.printer.firmware()!;
    expect(firmware.name).to.match(/^Marlin/);
    expect(firmware.capabilities.ADVANCED_OK).to.equal(true);
    expect(h.printer.snapshot().connection).to.deep.equal({ port: 'virtual', baudrate: 115200 });
    await waitFor('Connected', () => h.names().includes('Connected'));
    expect(h.names(['Connecting', 'Connected', 'PrinterStateChanged'])).to.deep.equal([
      'Connecting',
      'PrinterStateChanged',
      'PrinterStateChanged',
      'PrinterStateChanged',
      'Connected',
    ]);
    const states = h.events.filter((e) => e.name === 'PrinterStateChanged').map((e) => e.payload);
    expect(states).to.deep.equal([
      { state_id: 'OPEN_SERIAL', state_string: 'Opening serial port' },
      { state_id: 'CONNECTING', state_string: 'Connecting' },
      { state_id: 'OPERATIONAL', state_string: 'Operational' },
    ]);
    expect(h.events.find((e) => e.name === 'Connected')!.payload).to.deep.equal({ port: 'virtual', baudrate: 115200 });
    await h.printer.disconnect();
    await waitFor('Disconnected', () => h.names().includes('Disconnected'));
    expect(h.printer.state.id).to.equal('OFFLINE');
    expect(h.names(['Disconnecting', 'Disconnected'])).to.deep.equal(['Disconnecting', 'Disconnected']);
  });
});
