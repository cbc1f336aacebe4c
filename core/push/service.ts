/**
 * PushService: owns the hub, attaches every bound transport at start, detaches them at stop, and is
 * what plugins inject to send `plugin` messages and to hear about push clients opening and closing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inject, injectable, multiInject, optional } from 'inversify';
import type { LifecycleContribution } from '../common/lifecycle.js';
import type { Event } from '../common/event.js';
import { ReplayHistory } from '../event-log/api.js';
import { EventBus } from '../events/event-bus.js';
import { FileManager } from '../files/file-manager.js';
import { Logger } from '../logging/logger.js';
import { PluginHost } from '../plugins/plugin-host.js';
import { PrinterRegistry } from '../printers/printer-registry.js';
import { SettingsService } from '../settings/settings-service.js';
import { SlicingService } from '../slicing/slicing-service.js';
import { ConnectivityService, type JsonValue, type PushClientInfo, type PushService } from './api.js';
import { PushHub, type ServerInfo } from './hub.js';
import { PushTransportContribution } from './transport.js';
import { pushSettings } from './settings.js';

/** OctoPrint's API version, which cuttle's REST API follows. */
export const API_VERSION = '0.1';

function packageVersion(): string {
  try {
    const file = path.resolve(__dirname, '..', '..', '..', 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

@injectable()
export class DefaultPushService implements PushService, LifecycleContribution {
  readonly lifecycleName = 'push';
  readonly hub: PushHub;
  private readonly version = packageVersion();
  private attached: PushTransportContribution[] = [];

  constructor(
    @inject(EventBus) bus: EventBus,
    @inject(SettingsService) settings: SettingsService,
    @inject(Logger) logger: Logger,
    @inject(ConnectivityService) private readonly connectivity: ConnectivityService,
    @multiInject(PushTransportContribution) @optional() private readonly transports: PushTransportContribution[] = [],
    @inject(PrinterRegistry) printers: PrinterRegistry,
    @inject(SlicingService) @optional() slicing?: SlicingService,
    @inject(PluginHost) @optional() private readonly plugins?: PluginHost,
    @inject(FileManager) @optional() files?: FileManager,
    @inject(ReplayHistory) @optional() history?: Pick<EventBus, 'since'>,
  ) {
    const push = settings.of(pushSettings).get();
    this.hub = new PushHub({
      bus,
      logger: logger.child({ service: 'push' }),
      printers,
      slicing,
      files,
      history,
      serverInfo: () => this.serverInfo(),
      options: {
        rateHz: push.rateHz,
        sendWindow: Math.max(1, push.sendWindow),
        clientQueueLimit: Math.max(1, push.clientQueueLimit),
        replayBatch: Math.max(1, push.replayBatch),
        historyEvents: push.historyEvents,
        logLines: Math.max(1, push.logLines),
      },
    });
  }

  get onClientOpened(): Event<PushClientInfo> {
    return this.hub.onClientOpened;
  }

  get onClientClosed(): Event<PushClientInfo> {
    return this.hub.onClientClosed;
  }

  get clientCount(): number {
    return this.hub.clientCount;
  }

  sendPluginMessage(plugin: string, data: JsonValue): void {
    this.hub.sendPluginMessage(plugin, data);
  }

  async start(): Promise<void> {
    for (const transport of this.transports) {
      await transport.attach(this.hub);
      this.attached.push(transport);
    }
  }

  async stop(): Promise<void> {
    this.hub.dispose();
    for (const transport of this.attached.splice(0).reverse()) await transport.detach();
  }

  private serverInfo(): ServerInfo {
    return {
      version: this.version,
      apiVersion: API_VERSION,
      safeMode: false,
      online: this.connectivity.online,
      plugins: (this.plugins?.list() ?? []).filter((p) => p.state === 'loaded').map((p) => ({ id: p.id, name: p.name, version: p.version })),
    };
  }
}
