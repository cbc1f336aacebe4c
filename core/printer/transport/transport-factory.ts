/**
 * Where a printer's transport comes from: a contribution point (Theia style). Each
 * `TransportFactory` offers port names and opens the ports it claims: the serial module offers the
 * device paths it finds and opens any other name as a device; a module that brings its own kind of
 * printer offers its names (`virtual`, from its own ContainerModule). `TransportProvider` collects them; the printer service opens its port through it
 * and never knows what is behind a name.
 */
import { inject, injectable, multiInject, optional } from 'inversify';
import { SettingsService } from '../../settings/settings-service.js';
import { serialSettings } from '../settings.js';
import { baudrateProblem, type PortUse } from './port-rules.js';
import type { Transport } from './transport.js';

export interface TransportRequest {
  port: string;
  baudrate: number;
  /** the id of the printer connecting (a factory may keep state per printer, e.g. a simulated SD card) */
  printer: string;
}

export interface TransportFactory {
  /** names the factory in errors and logs ('serial', 'virtual') */
  readonly id: string;
  /** The port names to offer (`/api/connection`'s `options.ports`). */
  listPorts(): Promise<string[]>;
  /**
   * Whether `port` is this factory's: true for a name it owns, 'fallback' for a name it opens when no
   * other factory owns it (the serial factory: any device path), false otherwise.
   */
  claims(port: string): boolean | 'fallback';
  /**
   * Why `port` (which this factory claims) may not be opened, or null when it may. Asked before
   * `open` by every entry point that takes a port from a user (REST, CLI), it decides from the name
   * and the settings first, so that a refused name is never opened, nor even looked at on disk.
   */
  check(port: string, use: PortUse): Promise<string | null>;
  open(request: TransportRequest): Promise<Transport>;
}
export const TransportFactory = Symbol.for('cuttle.TransportFactory');

/** Every contributed TransportFactory, asked in turn. */
@injectable()
export class TransportProvider {
  constructor(
    @multiInject(TransportFactory) @optional() private readonly factories: TransportFactory[] = [],
    @inject(SettingsService) @optional() private readonly settings?: SettingsService,
  ) {}

  /** Every factory's ports, each name once, in the factories' order. */
  async listPorts(): Promise<string[]> {
    const lists = await Promise.all(this.factories.map((factory) => factory.listPorts().catch(() => [] as string[])));
    return [...new Set(lists.flat())];
  }

  /**
   * Why a user may not connect (or save in a printer's entry) `port` at `baudrate`, or null when
   * they may; either may be left out when not asked for. The port allow-list
   * (detected ports, `serial.additionalPorts`, `virtual`, allowed tcp:// hosts) and the baud rates
   * (`STANDARD_BAUDRATES` plus `serial.additionalBaudrates`). Every entry point asks here.
   */
  async check(request: { port?: string; baudrate?: number }, use: PortUse): Promise<string | null> {
    const { port, baudrate } = request;
    if (baudrate !== undefined) {
      const problem = baudrateProblem(baudrate, this.settings?.of(serialSettings).get().additionalBaudrates ?? []);
      if (problem) return problem;
    }
    if (port === undefined) return null;
    const factory = this.owner(port);
    if (!factory) return `no transport opens the port "${port}"`;
    return factory.check(port, use);
  }

  /** Opens `request.port` with the factory that owns it, else with a fallback one. */
  open(request: TransportRequest): Promise<Transport> {
    const factory = this.owner(request.port);
    if (!factory) return Promise.reject(new Error(`no transport opens the port "${request.port}"`));
    return factory.open(request);
  }

  private owner(port: string): TransportFactory | undefined {
    return this.factories.find((f) => f.claims(port) === true) ?? this.factories.find((f) => f.claims(port) === 'fallback');
  }
}
