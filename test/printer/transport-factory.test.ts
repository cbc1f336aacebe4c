/** Transports are a contribution point: a contributed TransportFactory owns its port names, serial takes the rest. */
import { expect } from 'chai';
import { PrinterService } from '../../core/printer/printer-service.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import { TransportFactory, TransportProvider, type TransportRequest } from '../../core/printer/transport/transport-factory.js';
import type { Transport } from '../../core/printer/transport/transport.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { ScriptedTransport } from './helpers.js';

/** A factory that records what it was asked to open. */
class RecordingFactory implements TransportFactory {
  readonly opened: TransportRequest[] = [];
  constructor(
    readonly id: string,
    private readonly ports: string[],
    private readonly claim: boolean | 'fallback',
  ) {}
  async listPorts(): Promise<string[]> {
    return this.ports;
  }
  claims(port: string): boolean | 'fallback' {
    return this.claim === 'fallback' ? 'fallback' : this.ports.includes(port);
  }
  async check(): Promise<string | null> {
    return null;
  }
  async open(request: TransportRequest): Promise<Transport> {
    this.opened.push(request);
    return new ScriptedTransport();
  }
}

describe('transport factories', () => {
  it('opens a port with the factory that owns it, any other with the fallback, and lists every port once', async () => {
    const serial = new RecordingFactory('serial', ['/dev/ttyUSB0', 'loop'], 'fallback');
    const loop = new RecordingFactory('loop', ['loop'], true);
    const provider = new TransportProvider([serial, loop]);
    expect(await provider.listPorts()).to.deep.equal(['/dev/ttyUSB0', 'loop']);
    await provider.open({ port: 'loop', baudrate: 250000, printer: 'p1' });
    await provider.open({ port: '/tmp/cuttle-printer', baudrate: 115200, printer: 'p1' });
    expect(loop.opened.map((r) => r.port)).to.deep.equal(['loop']);
    expect(serial.opened.map((r) => r.port)).to.deep.equal(['/tmp/cuttle-printer']);
  });

  it('refuses a port no factory opens, with the port named', async () => {
    const provider = new TransportProvider([new RecordingFactory('loop', ['loop'], true)]);
    let error: Error | undefined;
    await provider.open({ port: '/dev/ttyACM0', baudrate: 115200, printer: 'p1' }).catch((err: Error) => (error = err));
    expect(error?.message).to.equal('no transport opens the port "/dev/ttyACM0"');
  });

  describe('on a host', () => {
    let t: TestHost | undefined;
    afterEach(async () => t?.stop());

    it('offers a contributed port beside `virtual`, and connects a printer through its factory', async () => {
      t = await startTestHost({ noStart: true, config: { serial: { timeout: { connection: 300, hello: 100 } } } });
      const loop = new RecordingFactory('loop', ['loop'], true);
      t.host.container.bind(TransportFactory).toConstantValue(loop);
      await t.host.start();
      const printer = t.get<PrinterRegistry>(PrinterRegistry).first()!.printer;
      expect(await printer.listPorts()).to.include.members(['virtual', 'loop']);
      // the scripted transport never answers: the handshake fails, after the factory was asked
      await printer.connect({ port: 'loop', baudrate: 57600 }).catch(() => undefined);
      expect(loop.opened).to.deep.equal([{ port: 'loop', baudrate: 57600, printer: 'default' }]);
    });
  });
});
