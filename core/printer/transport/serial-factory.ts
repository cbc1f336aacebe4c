/**
 * The serial module's TransportFactory: offers the device paths the serial binding finds, and opens
 * any port no other factory owns as a serial device or pty (a path the binding cannot list, such as
 * a socat link, still opens).
 */
import { injectable } from 'inversify';
import { SerialTransport } from './serial-transport.js';
import type { TransportFactory, TransportRequest } from './transport-factory.js';
import type { Transport } from './transport.js';

@injectable()
export class SerialTransportFactory implements TransportFactory {
  readonly id = 'serial';

  listPorts(): Promise<string[]> {
    return SerialTransport.list();
  }

  claims(): 'fallback' {
    return 'fallback';
  }

  open({ port, baudrate }: TransportRequest): Promise<Transport> {
    return SerialTransport.open(port, baudrate);
  }
}
