/**
 * A service's request that the host process restart: after a restore was checked and made pending
 * (core/backup/pending-restore.ts), the restored files can only take over in a fresh process.
 * `cuttle serve` carries it out: it stops the host as for SIGTERM and exits with RESTART_EXIT_CODE,
 * which the systemd unit restarts (RestartForceExitStatus); run by hand, the process ends and
 * applies the restore when started again.
 */
import { Emitter, type Event } from './event.js';

/** EX_TEMPFAIL: "try again", which is what the supervisor should do. */
export const RESTART_EXIT_CODE = 75;

export interface HostRestart {
  /** Asks for a restart; `reason` goes to the log. */
  request(reason: string): void;
  readonly onDidRequest: Event<{ reason: string }>;
}
export const HostRestart = Symbol.for('cuttle.HostRestart');

export class HostRestartSignal implements HostRestart {
  private readonly requested = new Emitter<{ reason: string }>();
  readonly onDidRequest = this.requested.event;

  request(reason: string): void {
    this.requested.fire({ reason });
  }
}
