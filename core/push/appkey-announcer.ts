/**
 * Tells push clients that an application-key request waits for a decision: OctoPrint's web UI shows
 * its confirmation dialog on this plugin message. Push listens to core/auth rather than auth calling
 * push, so auth stays below push.
 */
import { inject, injectable } from 'inversify';
import { AuthManager } from '../auth/api.js';
import type { Disposable } from '../common/disposable.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { PushService } from './api.js';

@injectable()
export class AppKeyAnnouncer implements LifecycleContribution {
  readonly lifecycleName = 'push-appkeys';
  private subscription: Disposable | undefined;

  constructor(
    @inject(AuthManager) private readonly auth: AuthManager,
    @inject(PushService) private readonly push: PushService,
  ) {}

  start(): void {
    this.subscription = this.auth.appKeyRequests.onDidCreate((request) =>
      this.push.sendPluginMessage('appkeys', { type: 'request', app_name: request.app, user_token: request.userToken, user_id: request.user ?? null }),
    );
  }

  stop(): void {
    this.subscription?.dispose();
  }
}
