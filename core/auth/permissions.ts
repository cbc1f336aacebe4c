/**
 * OctoPrint's permission model: permission keys (what routes check), the roles clients see in
 * `needs`, and the three built-in groups. Keys, names and roles are protocol (clients compare them);
 * the catalogue is sent in the push channel's `connected` message.
 */

export interface PermissionInfo {
  key: string;
  name: string;
  dangerous: boolean;
  default_groups: string[];
  description: string;
  needs: { role: string[] };
  plugin?: string;
}

type Def = [key: string, name: string, groups: string[], description: string, extra?: { dangerous?: boolean; roles?: string[]; plugin?: string }];

const U = ['users'];
const UR = ['users', 'readonly'];
const A = ['admins'];

const DEFINITIONS: Def[] = [
  ['ADMIN', 'Admin', A, 'Everything, including user management', { dangerous: true }],
  ['STATUS', 'Status', UR, 'Printer state, job progress and temperatures'],
  ['CONNECTION', 'Connection', U, 'Connect to and disconnect from a printer'],
  ['WEBCAM', 'Webcam', UR, 'Watch the webcam stream'],
  ['SYSTEM', 'System', [], 'Run system commands and read system information', { dangerous: true }],
  ['FILES_LIST', 'File List', UR, 'List files and folders with their metadata'],
  ['FILES_UPLOAD', 'File Upload', U, 'Upload files, create and copy folders'],
  ['FILES_DOWNLOAD', 'File Download', UR, 'Download files'],
  ['FILES_DELETE', 'File Delete', U, 'Delete files and folders'],
  ['FILES_SELECT', 'File Select', U, 'Select a file for printing'],
  ['PRINT', 'Print', U, 'Start, pause and cancel print jobs'],
  ['GCODE_VIEWER', 'GCODE viewer', UR, 'Use the G-code viewer', { roles: ['gcodeviewer'] }],
  ['MONITOR_TERMINAL', 'Terminal', UR, 'Watch the terminal without sending commands'],
  ['CONTROL', 'Control', U, 'Control the printer: temperatures, movement, G-code'],
  ['SLICE', 'Slice', U, 'Slice files'],
  ['TIMELAPSE_LIST', 'Timelapse List', UR, 'List timelapse videos'],
  ['TIMELAPSE_DOWNLOAD', 'Timelapse Download', UR, 'Download timelapse videos'],
  ['TIMELAPSE_DELETE', 'Timelapse Delete', U, 'Delete timelapse videos'],
  ['TIMELAPSE_MANAGE_UNRENDERED', 'Timelapse Manage Unrendered', U, 'List, delete and render unrendered timelapses'],
  ['TIMELAPSE_ADMIN', 'Timelapse Admin', U, 'Change the timelapse settings'],
  ['SETTINGS_READ', 'Settings Access', UR, 'Read non-sensitive settings'],
  ['SETTINGS', 'Settings Admin', [], 'Change settings and read sensitive ones', { dangerous: true }],
  ['EVENTS', 'Event Log', A, 'Read the durable event log (GET /api/events)'],
  ['PLUGIN_APPKEYS_ADMIN', 'Application Keys Plugin: Admin access', A, 'Administrate all application keys', { dangerous: true, roles: ['plugin_appkeys_admin'], plugin: 'appkeys' }],
  ['PLUGIN_APPKEYS_GRANT', 'Application Keys Plugin: Grant access', U, 'Grant app access', { roles: ['plugin_appkeys_user'], plugin: 'appkeys' }],
  ['PLUGIN_BACKUP_CREATE', 'Backup & Restore Plugin: Create backup', A, 'Start writing a backup (listing, downloading and restoring them stay with ADMIN)', { roles: ['plugin_backup_create'], plugin: 'backup' }],
];

export const PERMISSIONS: readonly PermissionInfo[] = DEFINITIONS.map(([key, name, groups, description, extra]) => ({
  key,
  name,
  dangerous: extra?.dangerous ?? false,
  default_groups: groups,
  description,
  needs: { role: extra?.roles ?? [key.toLowerCase()] },
  ...(extra?.plugin ? { plugin: extra.plugin } : {}),
}));

export type PermissionKey = string;
export const PERMISSION_KEYS: readonly string[] = PERMISSIONS.map((p) => p.key);

export const GROUPS = ['admins', 'users', 'readonly'] as const;
export type GroupId = (typeof GROUPS)[number];

export function isGroup(value: string): value is GroupId {
  return (GROUPS as readonly string[]).includes(value);
}

/** Effective permission keys of a set of groups; admins hold every permission. */
export function permissionsOfGroups(groups: readonly string[]): string[] {
  if (groups.includes('admins')) return [...PERMISSION_KEYS];
  return PERMISSIONS.filter((p) => p.default_groups.some((g) => groups.includes(g))).map((p) => p.key);
}

/** The roles (OctoPrint's `needs.role`) of a set of permission keys, without duplicates. */
export function rolesOf(permissions: readonly string[]): string[] {
  const roles = new Set<string>();
  for (const p of PERMISSIONS) if (permissions.includes(p.key)) for (const r of p.needs.role) roles.add(r);
  return [...roles];
}
