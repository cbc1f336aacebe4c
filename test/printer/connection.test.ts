/** The handshake with the in-process simulator, and the Printer-communication events it produces. */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fastSerial, startPrinterHost, tempDir, type PrinterHost } from './helpers.js';
import { waitFor } from '../support/wait.js';

describe('printer connection (in-process virtual printer)', () => {
  let h: PrinterHost;
  afterEach(async () => h?.stop());

  it('handshakes: M110 N0, M115 firmware and capabilities, then Operational with Connecting/Connected events', async () => {
    h = await startPrinterHost(fastSerial());
    const sent: string[] = [];
    h.printer.onLog(({ direction, line }) => direction === 'send' && sent.push(line));
    await h.printer.connect();
    expect(h.printer.state.id).to.equal('OPERATIONAL');
    // the board is still booting when the port opens (DTR reset): the first hello may go unanswered,
    // and the host says hello again when "start" arrives, so hellos come first, then M115 as line 1
    const hellos = sent.findIndex((line) => !/^N0 M110 N0\*\d+$/.test(line));
    expect(hellos).to.be.within(1, 2);
    expect(sent[hellos]).to.match(/^N1 M115\*\d+$/);
    // the boot banner before the handshake is not a reset of a connected printer
    expect(h.t.logs.map((l) => l.msg)).to.not.include('the printer reset; line numbers start again');
    const firmware = h.printer.firmware()!;
    expect(firmware.name).to.match(/^Marlin/);
    expect(firmware.capabilities.ADVANCED_OK).to.equal(true);
    expect(h.printer.snapshot().connection).to.deep.equal({ port: 'virtual', baudrate: 115200 });
    await waitFor(() => h.names().includes('Connected'), 10000, 'Connected');
    expect(h.names(['Connecting', 'Connected', 'PrinterStateChanged'])).to.deep.equal([
      'Connecting',
      'PrinterStateChanged',
      'PrinterStateChanged',
      'PrinterStateChanged',
      'Connected',
    ]);
    const states = h.events.filter((e) => e.name === 'PrinterStateChanged').map((e) => e.payload);
    expect(states).to.deep.equal([
      { state_id: 'OPEN_SERIAL', state_string: 'Opening serial port', printer: 'default' },
      { state_id: 'CONNECTING', state_string: 'Connecting', printer: 'default' },
      { state_id: 'OPERATIONAL', state_string: 'Operational', printer: 'default' },
    ]);
    expect(h.events.find((e) => e.name === 'Connected')!.payload).to.deep.equal({ port: 'virtual', baudrate: 115200, printer: 'default' });
    await h.printer.disconnect();
    await waitFor(() => h.names().includes('Disconnected'), 10000, 'Disconnected');
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
    await waitFor(() => h.names().includes('plugin_printer_events_TemperatureReached'), 10000, 'TemperatureReached');
    const reached = h.events.filter((e) => e.name === 'plugin_printer_events_TemperatureReached').map((e) => e.payload as Record<string, number | string>);
    expect(reached).to.have.length(1);
    expect(reached[0]).to.include({ heater: 'tool0', target: 60 });
    expect(Math.abs((reached[0]!.actual as number) - 60)).to.be.at.most(1);
    // at 200× the heater can reach its target within the first report M109 waits for (a CI run under load
    // saw one sample at that point): the history keeps what comes next too
    await waitFor(() => h.printer.temperatureHistory().length > 1, 5000, 'a second temperature sample in the history');
    expect(h.printer.snapshot().temperatures.tool0!.target).to.equal(60);
    expect(h.printer.snapshot().temperatures.bed).to.deep.include({ target: 0 });
    expect(() => h.printer.setTemperature('tool0', -5)).to.throw(/≥ 0/);
    expect(() => h.printer.setTemperature('nozzle', 200)).to.throw(/unknown heater/);
  });
});

describe('temperature polling', () => {
  let h: PrinterHost;
  afterEach(async () => h?.stop());

  it('polls with M105 when the firmware cannot auto-report, and with M155 when it can', async () => {
    for (const autoreportTemp of [false, true]) {
      h = await startPrinterHost(fastSerial({ autoreportTemp }, { temperatureInterval: 1 }));
      const sent: string[] = [];
      h.printer.onCommandSent((c) => sent.push(c.command));
      await h.printer.connect();
      await waitFor(() => h.printer.snapshot().temperatures.tool0 !== undefined, 3000, 'a temperature');
      expect(sent.filter((c) => /^M1(05|55)/.test(c))[0]).to.equal(autoreportTemp ? 'M155 S1' : 'M105');
      await h.stop();
    }
  });
});

describe('connection failures', () => {
  let h: PrinterHost;
  afterEach(async () => h?.stop());

  it('a port that cannot be opened ends in "Offline after error" with the reason, and connect rejects', async () => {
    h = await startPrinterHost(fastSerial());
    const failure = await h.printer.connect({ port: '/dev/does-not-exist-cuttle', baudrate: 115200 }).then(
      () => null,
      (err: Error) => err.message,
    );
    expect(failure).to.match(/cannot open \/dev\/does-not-exist-cuttle/);
    expect(h.printer.state).to.deep.include({ id: 'CLOSED_WITH_ERROR', text: 'Offline after error' });
    await waitFor(() => h.names().includes('Error'), 10000, 'Error event');
    expect(h.names()).to.not.include('Connected');
    expect(await h.printer.listPorts()).to.include('virtual');
  });

  it('a printer that never answers the handshake times out; disconnecting while connecting cancels the attempt', async () => {
    h = await startPrinterHost(fastSerial({}, { timeout: { connection: 400, hello: 100, communication: 2000, maxNudges: 3 } }));
    // the host side of a pty pair with nothing on the other end: a port that opens and stays silent
    const silent = await startSilentPty();
    try {
      const failure = await h.printer.connect({ port: silent.link, baudrate: 115200 }).then(
        () => null,
        (err: Error) => err.message,
      );
      expect(failure).to.match(/no answer from the printer within 400 ms/);
      expect(h.printer.state.id).to.equal('CLOSED_WITH_ERROR');
    } finally {
      await silent.close();
    }
    for (const settle of [false, true]) {
      const pending = h.printer.connect().then(
        () => 'connected',
        (err: Error) => err.message,
      );
      if (settle) await new Promise((resolve) => setImmediate(resolve));
      await h.printer.disconnect();
      expect(await pending).to.match(/cancelled/);
      expect(h.printer.state.id).to.equal('OFFLINE');
    }
    await h.printer.connect();
    expect(h.printer.state.id).to.equal('OPERATIONAL');
  });
});

/** socat's pty pair with no printer on it. */
async function startSilentPty(): Promise<{ link: string; close(): Promise<void> }> {
  const link = path.join(tempDir(), 'silent');
  const socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${link}.other`, `pty,raw,echo=0,link=${link}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  socat.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  // socat says so (-d -d) once both ends are open and it relays
  await waitFor(() => fs.existsSync(link) && fs.existsSync(`${link}.other`) && log.includes('starting data transfer loop'), 10000, 'socat');
  return {
    link,
    close: () =>
      new Promise<void>((resolve) => {
        socat.once('exit', () => resolve());
        socat.kill();
      }),
  };
}
