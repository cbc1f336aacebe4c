/**
 * What `cuttle serve` says about the account it runs as and to the service manager: a warning when
 * it runs as root (once per process: a serial port needs only the dialout group, and root turns
 * every plugin and hook into root), and readiness for systemd.
 */
import type { Logger } from '../logging/logger.js';
import { notifySystemd, type NotifyState } from './sd-notify.js';
import { SERIAL_GROUP } from './unit-file.js';

/** The warning for `uid`, or undefined when it is not root. */
export function rootWarning(uid: number | undefined): string | undefined {
  if (uid !== 0) return undefined;
  return (
    `cuttle is running as root. It needs no root: a serial port needs only the ${SERIAL_GROUP} group, and as root every plugin, ` +
    `event hook and system command runs as root too. Run it as a user instead: ` +
    `\`sudo useradd --system --create-home --groups ${SERIAL_GROUP} cuttle\`, then \`sudo cuttle service install --user cuttle --basedir /home/cuttle/.cuttle\` ` +
    `(or, for a login user, \`sudo usermod -aG ${SERIAL_GROUP} $USER\` and start cuttle as that user)`
  );
}

let warned = false;

/** Logs the root warning once per process. */
export function warnIfRoot(logger: Logger, uid = process.getuid?.()): void {
  const warning = rootWarning(uid);
  if (!warning || warned) return;
  warned = true;
  logger.warn(warning);
}

/** Tells systemd (when it started us) the new state; a failure is logged, never thrown. */
export async function tellServiceManager(logger: Logger, state: NotifyState): Promise<void> {
  const result = await notifySystemd(state);
  if (result.sent) logger.debug({ state }, 'told systemd');
  else if (process.env['NOTIFY_SOCKET']) logger.error({ problem: result.reason }, 'could not tell systemd the service state');
}
