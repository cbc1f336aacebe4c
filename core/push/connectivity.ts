/**
 * The connectivity check (OctoPrint's `server.onlineCheck`): opens a TCP connection to
 * `onlineCheck.host:port` on a node-cron schedule every `onlineCheck.interval` seconds, scheduled
 * again when those settings change (POST /api/settings may switch it on or off).
 * A changed verdict fires `onChanged`; the server-events plugin turns it into ConnectivityChanged,
 * and `connected` messages carry the latest verdict as `online`.
 */
import net from 'node:net';
import { inject, injectable } from 'inversify';
import cron, { type ScheduledTask } from 'node-cron';
import type { Disposable } from '../common/disposable.js';
import { Emitter } from '../common/event.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { errorInfo, Logger } from '../logging/logger.js';
import { SettingsService } from '../settings/settings-service.js';
import type { ConnectivityService } from './api.js';
import { onlineCheckSettings } from './settings.js';

/** A node-cron expression that fires every `seconds` seconds (rounded to what cron can say). */
export function everySeconds(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return s === 1 ? '* * * * * *' : `*/${s} * * * * *`;
  const m = Math.max(1, Math.round(s / 60));
  if (m < 60) return `0 */${m} * * * *`;
  return `0 0 */${Math.min(23, Math.max(1, Math.round(m / 60)))} * * *`;
}

export function tcpReachable(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

@injectable()
export class TcpConnectivityCheck implements ConnectivityService, LifecycleContribution {
  readonly lifecycleName = 'connectivity';
  private verdict: boolean | null = null;
  private task: ScheduledTask | undefined;
  private running: Promise<boolean> | undefined;
  private watching: Disposable | undefined;
  private readonly changed = new Emitter<{ old: boolean; new: boolean }>();
  readonly onChanged = this.changed.event;

  constructor(
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(Logger) private readonly logger: Logger,
  ) {}

  get online(): boolean | null {
    return this.verdict;
  }

  async start(): Promise<void> {
    const section = this.settings.of(onlineCheckSettings);
    this.watching = section.onDidChange(() => void this.schedule().catch((err) => this.logger.warn(errorInfo(err), 'rescheduling the connectivity check failed')));
    await this.schedule();
  }

  async stop(): Promise<void> {
    this.watching?.dispose();
    const task = this.task;
    this.task = undefined;
    await task?.destroy();
    this.changed.dispose();
  }

  /**
   * Schedules the check as the settings say now (none when disabled) and checks once at once. The
   * task is swapped before anything is awaited, so changes in quick succession leave one schedule.
   */
  private async schedule(): Promise<void> {
    const previous = this.task;
    const { enabled, interval } = this.settings.of(onlineCheckSettings).get();
    this.task = enabled ? cron.schedule(everySeconds(interval), () => this.check(), { name: 'onlineCheck', noOverlap: true }) : undefined;
    await previous?.destroy();
    if (enabled) await this.check();
  }

  check(): Promise<boolean> {
    // one check at a time: a slow target must not pile up sockets
    this.running ??= this.runCheck().finally(() => (this.running = undefined));
    return this.running;
  }

  private async runCheck(): Promise<boolean> {
    const { host, port, timeoutMs } = this.settings.of(onlineCheckSettings).get();
    const online = await tcpReachable(host, port, timeoutMs);
    const old = this.verdict;
    this.verdict = online;
    if (old !== null && old !== online) {
      this.logger.info({ host, port, online }, online ? 'connectivity restored' : 'connectivity lost');
      this.changed.fire({ old, new: online });
    }
    return online;
  }
}
