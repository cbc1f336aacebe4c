/**
 * Tells the open pages that the panels changed (a plugin started or stopped), as a `plugin` push
 * message `core.panels`: each page lists `api/ui/panels` again (the list is per user, so the message
 * carries nothing but the news) and adds or drops the panels without a reload. The name is one no
 * plugin id can take (ids have no dot).
 */
import { inject, injectable } from 'inversify';
import type { Disposable } from '../common/disposable.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { PushService } from '../push/api.js';
import { UiPanels } from './panels.js';

/** the `plugin` of the panel-change message, as the web app matches it */
export const PANELS_MESSAGE = 'core.panels';

@injectable()
export class PanelAnnouncements implements LifecycleContribution {
  readonly lifecycleName = 'panel-announcements';
  private listening: Disposable | undefined;

  constructor(
    @inject(UiPanels) private readonly panels: UiPanels,
    @inject(PushService) private readonly push: PushService,
  ) {}

  start(): void {
    this.listening = this.panels.onDidChange(() => this.push.sendPluginMessage(PANELS_MESSAGE, { type: 'changed' }));
  }

  stop(): void {
    this.listening?.dispose();
  }
}
