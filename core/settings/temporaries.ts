/**
 * At start, removes the temporary files that writers killed mid-write (kill -9) left behind: those
 * of config.yaml, and every one in the basedir (host.json, users.yaml, the app-key requests). The
 * uploads' metadata files are swept by the file manager.
 */
import { inject, injectable } from 'inversify';
import { sweepTemporaries } from '../common/atomic-write.js';
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
    const removed = new Set([...(await this.settings.sweepTemporaries()), ...(await sweepTemporaries(this.settings.basedir))]);
    if (removed.size) this.logger.info({ files: [...removed] }, 'removed temporary files left by interrupted writes');
  }
}
