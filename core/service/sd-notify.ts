/**
 * Tells systemd that cuttle is ready (or stopping), for a `Type=notify` unit. systemd passes a unix
 * datagram socket in $NOTIFY_SOCKET; Node cannot send on one (node:dgram has no unix sockets), so
 * the message goes through `systemd-notify`, spawned with an argv and no shell. systemd accepts it
 * from that child because the unit says `NotifyAccess=all`; systemd-notify waits (BARRIER=1) until
 * systemd has read the message, so it is not lost when the child exits first.
 * Without $NOTIFY_SOCKET (not started by systemd) nothing is sent.
 */
import { execFile } from 'node:child_process';

export interface NotifyState {
  ready?: boolean;
  stopping?: boolean;
  status?: string;
}

export type NotifyResult = { sent: true } | { sent: false; reason: string };

export const NOTIFY_PROGRAM = 'systemd-notify';
/** systemd-notify's barrier waits at most this long for a socket nobody reads */
const NOTIFY_TIMEOUT_MS = 10_000;

export function notifyArgs(state: NotifyState): string[] {
  const args: string[] = [];
  if (state.ready) args.push('--ready');
  if (state.stopping) args.push('STOPPING=1');
  // one line: a newline would start another field of the message
  if (state.status !== undefined) args.push(`--status=${state.status.replace(/[\r\n]+/g, ' ')}`);
  return args;
}

export function notifySystemd(state: NotifyState, env: NodeJS.ProcessEnv = process.env): Promise<NotifyResult> {
  if (!env['NOTIFY_SOCKET']) return Promise.resolve({ sent: false, reason: 'NOTIFY_SOCKET is not set: not started by systemd' });
  return new Promise((resolve) => {
    execFile(NOTIFY_PROGRAM, notifyArgs(state), { env, timeout: NOTIFY_TIMEOUT_MS, shell: false }, (err, _stdout, stderr) => {
      if (!err) resolve({ sent: true });
      else resolve({ sent: false, reason: `${NOTIFY_PROGRAM} failed: ${String(stderr).trim() || err.message}` });
    });
  });
}
