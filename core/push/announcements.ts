/**
 * `plugin` messages push clients get when something they show changed elsewhere. Push listens to the
 * services rather than they calling push, so they stay below it.
 *  - `appkeys`: an application-key request waits for a decision (OctoPrint's web UI shows its
 *    confirmation dialog on it, as the web app lists the requests again);
 *  - `core.printers`: a printer's entry changed (a rename): the web app's farm and the printer's page
 *    read the list again. PrinterAdded and PrinterRemoved are events already; a change is not one of
 *    the catalogue's. The name is one no plugin id can take (ids have no dot).
 */
import { inject, injectable } from 'inversify';
import { AuthManager } from '../auth/api.js';
import { DisposableStore } from '../common/disposable.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { PrinterRegistry } from '../printers/printer-registry.js';
import { PushService } from './api.js';

/** the `plugin` of the printer-change message, as the web app matches it */
export const PRINTERS_MESSAGE = 'core.printers';

@injectable()
export class PushAnnouncements implements LifecycleContribution {
  readonly lifecycleName = 'push-announcements';
  private readonly subscriptions = new DisposableStore();

  constructor(
    @inject(AuthManager) private readonly auth: AuthManager,
    @inject(PrinterRegistry) private readonly registry: PrinterRegistry,
    @inject(PushService) private readonly push: PushService,
  ) {}

  start(): void {
    this.subscriptions.add(
      this.auth.appKeyRequests.onDidCreate((request) =>
        this.push.sendPluginMessage('appkeys', { type: 'request', app_name: request.app, user_token: request.userToken, user_id: request.user ?? null }),
      ),
    );
    this.subscriptions.add(this.registry.onDidChange((scope) => this.push.sendPluginMessage(PRINTERS_MESSAGE, { type: 'changed', printer: scope.id, name: scope.entry.name })));
  }

  stop(): void {
    this.subscriptions.dispose();
  }
}
