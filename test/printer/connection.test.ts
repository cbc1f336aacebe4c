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

describe('temperatures', () => {
  let h: PrinterHost;
  afterEach(async () => h?.stop());

  it('parses reports while M109 waits, keeps history, and fires TemperatureReached once per target', async () => {
    h = await startPrinterHost(fastSerial({ speedFactor: 200 }, { temperatureInterval: 1 }));
    await h.printer.connect();
    h.printer.commands(['M109 S60']);
    await waitFor('TemperatureReached', () => h.names().includes('plugin_printer_events_TemperatureReached'));
    const reached = h.events.filter((e) => e.name === 'plugin_printer_events_TemperatureReached').map((e) => e.payload as Record<string, number | string>);
    expect(reached).to.have.length(1);
    expect(reached[0]).to.include({ heater: 'tool0', target: 60 });
    expect(Math.abs((reached[0]!.actual as number) - 60)).to.be.at.most(1);
    expect(h.printer.temperatureHistory().length).to.be.greaterThan(1);
    expect(h.printer.snapshot().temperatures.tool0!.target).to.equal(60);
    expect(h.printer.snapshot().temperatures.bed).to.deep.include({ target: 0 });
    expect(() => h.printer.setTemperature('tool0', -5)).to.throw(/≥ 0/);
    expect(() => h.printer.setTemperature('nozzle', 200)).to.throw(/unknown heater/);
  });
});
