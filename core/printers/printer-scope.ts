/**
 * One printer as a unit that can be created and disposed: an Inversify child container of the host's
 * container holding the printer-scoped modules (PRINTER_SCOPE_MODULES), started and stopped as one.
 * Shared services (settings, files, slicing, users) resolve from the parent.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Container, type ContainerModule } from 'inversify';
import { PrinterScopeLifecycle, type LifecycleContribution } from '../common/lifecycle.js';
import { errorInfo, type Logger } from '../logging/logger.js';
import { PrinterIdentity } from '../printer/printer-identity.js';
import { PrinterService } from '../printer/printer-service.js';
import type { PrinterEntry } from '../printer/printer-identity.js';
import { TimelapseService } from '../timelapse/timelapse-service.js';
import type { PrinterScope } from './printer-registry.js';
import { makeDirectorySync } from '../common/make-directory.js';

export class ContainerPrinterScope implements PrinterScope, PrinterIdentity {
  readonly printer: PrinterService;
  readonly timelapse: TimelapseService;
  private readonly container: Container;
  private readonly lifecycles: LifecycleContribution[];

  constructor(
    parent: Container,
    modules: readonly ContainerModule[],
    public entry: PrinterEntry,
    private readonly dataRoot: string,
    private readonly log: Logger,
  ) {
    this.container = new Container({ parent, defaultScope: 'Singleton' });
    this.container.bind(PrinterIdentity).toConstantValue(this);
    this.container.load(...modules);
    this.printer = this.container.get<PrinterService>(PrinterService);
    this.timelapse = this.container.get<TimelapseService>(TimelapseService);
    this.lifecycles = this.container.getAll<LifecycleContribution>(PrinterScopeLifecycle);
  }

  get id(): string {
    return this.entry.id;
  }

  get basePath(): string {
    return `/printer/${this.entry.id}`;
  }

  dataFolder(name: string): string {
    const folder = path.join(this.dataRoot, this.entry.id, name);
    makeDirectorySync(folder);
    return folder;
  }

  async start(): Promise<void> {
    for (const service of this.lifecycles) await service.start?.();
  }

  /** Stops the printer's services in reverse order (the printer disconnects: its job fails) and drops the container. */
  async dispose(): Promise<void> {
    for (const service of [...this.lifecycles].reverse()) {
      try {
        await service.stop?.();
      } catch (err) {
        this.log.error({ printer: this.id, service: service.lifecycleName, ...errorInfo(err) }, 'stopping failed');
      }
    }
    this.container.unbindAll();
  }
}
