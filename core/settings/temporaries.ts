/** At start, removes the temporary files of config.yaml that a save killed mid-write (kill -9) left behind. */
import { inject, injectable } from 'inversify';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { Logger } from '../logging/logger.js';
import { SettingsService } from './settings-service.js';

@injectable()
export class SettingsTemporariesSweep implements LifecycleContribution {
  readonly lifecycleName = 'settings-temporaries';

  constructor(
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(Logger) private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const removed = await this.settings.sweepTemporaries();
    if (removed.length) this.logger.info({ files: removed }, 'removed temporary files of config.yaml left by an interrupted save');
  }
}
