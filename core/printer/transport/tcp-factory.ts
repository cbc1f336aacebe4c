/**
 * Network serial's TransportFactory: owns `tcp://host:port` ports (raw TCP to a serial bridge such as
 * ser2net, ESP3D or ESP-Link). The host must be allowed by `serial.tcp.allowedHosts` (loopback by
 * default); the connect timeout and keep-alive come from `serial.tcp.*`. It offers no ports of its
 * own: bridges are not discovered, they are named.
 */
import { inject, injectable } from 'inversify';
import { SettingsService } from '../../settings/settings-service.js';
import { serialSettings } from '../settings.js';
import { hostAllowed } from './port-rules.js';
import { parseTcpPort, TCP_SCHEME, TcpTransport } from './tcp-transport.js';
import type { TransportFactory, TransportRequest } from './transport-factory.js';
import type { Transport } from './transport.js';

@injectable()
export class TcpTransportFactory implements TransportFactory {
  readonly id = 'tcp';

  constructor(@inject(SettingsService) private readonly settings: SettingsService) {}

  async listPorts(): Promise<string[]> {
    return [];
  }

  claims(port: string): boolean {
    return port.toLowerCase().startsWith(TCP_SCHEME);
  }

  async check(port: string): Promise<string | null> {
    const address = parseTcpPort(port);
    if (typeof address === 'string') return address;
    if (!hostAllowed(address.host, this.tcp().allowedHosts)) return `host "${address.host}" is not in serial.tcp.allowedHosts`;
    return null;
  }

  open({ port, baudrate }: TransportRequest): Promise<Transport> {
    const { connectTimeoutMs, keepAliveMs } = this.tcp();
    return TcpTransport.open(port, baudrate, { connectTimeoutMs, keepAliveMs });
  }

  private tcp() {
    return this.settings.of(serialSettings).get().tcp;
  }
}
