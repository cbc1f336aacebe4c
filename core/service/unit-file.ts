/**
 * The systemd unit `cuttle service install` writes: cuttle as a non-root user in the `dialout`
 * group (a serial port needs nothing more), restarted on failure, started once the network is up,
 * ready when it says so (Type=notify, see ./sd-notify.ts), and sandboxed with the hardening options
 * that still let it open serial ports and write its basedir.
 */
import path from 'node:path';
import { RESTART_EXIT_CODE } from '../common/host-restart.js';

export interface UnitOptions {
  /** the account cuttle runs as (never root) */
  user: string;
  /** absolute basedir: the one folder cuttle may write */
  basedir: string;
  /** absolute path of the node binary */
  node: string;
  /** absolute path of cuttle's CLI entry (dist/core/cli/main.js) */
  cli: string;
}

/** The group that owns serial devices on Debian and Raspberry Pi OS. */
export const SERIAL_GROUP = 'dialout';

/**
 * Character-device groups (as /proc/devices names them) the sandbox keeps open: USB serial
 * adapters (ttyUSB), USB CDC boards (ttyACM: most printer mainboards), on-board UARTs (ttyS, the
 * Pi's ttyAMA), pseudo-terminals (a printer reached through socat or a simulator's pty) and webcams
 * (video4linux) for timelapses. Everything else under /dev is closed.
 */
export const SERIAL_DEVICE_GROUPS = ['ttyUSB', 'ttyACM', 'ttyS', 'ttyAMA', 'pts', 'video4linux'];

/** A user name systemd and useradd accept; root is refused: the point of the unit is not to be root. */
export function checkUserName(user: string): string | undefined {
  if (!/^[a-z_][a-z0-9_-]{0,31}$/i.test(user)) return `"${user}" is not a valid user name`;
  if (user === 'root') return 'cuttle must not run as root: a serial port needs only the dialout group (use --user NAME)';
  return undefined;
}

/**
 * One word of a space-separated list (ReadWritePaths=): `%` escaped so systemd expands no specifier
 * from a path, and quoted when it holds spaces, quotes or backslashes. A control character (a
 * newline would start a new directive) is refused.
 */
export function unitWord(word: string): string {
  const escaped = unitPath(word);
  return /[\s"'\\;]/.test(escaped) || escaped === '' ? `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : escaped;
}

/** One word of ExecStart=, where systemd also expands `$VAR`: a `$` in a path is doubled. */
export function execWord(word: string): string {
  return unitWord(word.replace(/\$/g, '$$$$'));
}

/** A directive that takes one path as the rest of its line (WorkingDirectory=): no quotes there, only specifiers escaped. */
export function unitPath(file: string): string {
  if (/[\x00-\x1f\x7f]/.test(file)) throw new Error(`cannot put ${JSON.stringify(file)} in a unit file: it holds a control character`);
  return file.replace(/%/g, '%%');
}

function under(folders: readonly string[], file: string): boolean {
  return folders.some((folder) => file === folder || file.startsWith(`${folder}/`));
}

/** Under a home directory, ProtectHome=yes would hide it: then homes are only made read-only. */
const HOMES = ['/home', '/root', '/run/user'];
/** A basedir there would be hidden by the service's own empty /tmp (PrivateTmp=${privateTmp}). */
const TEMPORARY = ['/tmp', '/var/tmp'];

export function systemdUnit(options: UnitOptions): string {
  const problem = checkUserName(options.user);
  if (problem) throw new Error(problem);
  for (const file of [options.basedir, options.node, options.cli]) {
    if (!path.isAbsolute(file)) throw new Error(`${file} is not an absolute path`);
  }
  const protectHome = [options.basedir, options.node, options.cli].some((file) => under(HOMES, file)) ? 'read-only' : 'yes';
  const privateTmp = under(TEMPORARY, options.basedir) ? 'no' : 'yes';
  return `# written by \`cuttle service install\`; \`cuttle service install --print\` shows what it would write now
[Unit]
Description=cuttle 3D-printer host (${unitPath(options.basedir)})
After=network-online.target
Wants=network-online.target

[Service]
# cuttle tells systemd it is ready once it listens (through systemd-notify, a child: hence NotifyAccess=all)
Type=notify
NotifyAccess=all
ExecStart=${[options.node, options.cli, 'serve', '--basedir', options.basedir].map(execWord).join(' ')}
WorkingDirectory=${unitPath(options.basedir)}
User=${options.user}
# serial ports belong to the dialout group: that and the basedir are all cuttle needs
SupplementaryGroups=${SERIAL_GROUP}
Restart=on-failure
RestartSec=5
# 75: cuttle asks to be restarted (a restore through the API is applied at the next start)
RestartForceExitStatus=${RESTART_EXIT_CODE}
TimeoutStartSec=120
TimeoutStopSec=60
UMask=0027

# hardening: the file system is read-only except the basedir, no privilege can be gained
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths=${unitWord(options.basedir)}
ProtectHome=${protectHome}
PrivateTmp=${privateTmp}
DevicePolicy=closed
${SERIAL_DEVICE_GROUPS.map((group) => `DeviceAllow=char-${group} rw`).join('\n')}
CapabilityBoundingSet=
AmbientCapabilities=
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictSUIDSGID=yes
RestrictRealtime=yes
RestrictNamespaces=yes
LockPersonality=yes
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
SystemCallArchitectures=native

[Install]
WantedBy=multi-user.target
`;
}
