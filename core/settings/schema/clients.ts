/**
 * Configuration of what OctoPrint clients meet (owned by core/auth): session and login limits, the
 * app-key request lifetime, and the server/system commands an admin may trigger (run without a
 * shell, split into argv).
 */
import type convict from 'convict';

export interface SystemAction {
  action: string;
  name: string;
  command: string;
  confirm: string | null;
}

export interface ClientsConfig {
  accessControl: {
    sessionTimeoutMinutes: number;
    loginAttempts: number;
    loginWindowSeconds: number;
    appKeyRequestTimeoutSeconds: number;
    appKeyPollTimeoutSeconds: number;
    appKeyPendingMax: number;
    appKeyPendingPerAddress: number;
  };
  system: {
    commands: { serverRestart: string; systemRestart: string; systemShutdown: string };
    actions: SystemAction[];
    commandTimeoutSeconds: number;
  };
}

const actions = {
  format: (value: unknown) => {
    if (!Array.isArray(value)) throw new Error('must be a list of {action, name, command}');
    for (const a of value as Partial<SystemAction>[]) {
      if (typeof a?.action !== 'string' || !/^[a-zA-Z0-9_-]+$/.test(a.action) || typeof a.command !== 'string') {
        throw new Error('each action needs "action" (letters, digits, _ -) and "command"');
      }
    }
  },
};

export const clientsSchema: convict.Schema<ClientsConfig> = {
  accessControl: {
    sessionTimeoutMinutes: { doc: 'Minutes a login session (push socket auth, session cookie) may stay unused before it expires.', format: 'nat', default: 24 * 60 },
    loginAttempts: { doc: 'Failed password logins one address may make within loginWindowSeconds before it must wait (429).', format: 'nat', default: 5 },
    loginWindowSeconds: { doc: 'The window of loginAttempts, in seconds.', format: 'nat', default: 60 },
    appKeyRequestTimeoutSeconds: { doc: 'Seconds an application-key request waits for approval at most before it expires (the app then gets 404).', format: 'nat', default: 300 },
    appKeyPollTimeoutSeconds: { doc: "Seconds after its app's last poll that an application-key request dies (OctoPrint: 5).", format: 'nat', default: 5 },
    appKeyPendingMax: { doc: 'Application-key requests that may wait at once; a new one past this gets 429.', format: 'nat', default: 50 },
    appKeyPendingPerAddress: { doc: 'Application-key requests one address may have waiting at once; a new one past this gets 429.', format: 'nat', default: 5 },
  },
  system: {
    commands: {
      serverRestart: { doc: 'Command that restarts cuttle (split into words as a shell would, quotes honoured, then run without a shell); empty to offer none.', format: String, default: '' },
      systemRestart: { doc: 'Command that reboots the machine; empty to offer none.', format: String, default: '' },
      systemShutdown: { doc: 'Command that shuts the machine down; empty to offer none.', format: String, default: '' },
    },
    actions: { doc: 'Custom system actions: [{action, name, command, confirm}].', ...actions, default: [] as SystemAction[] },
    commandTimeoutSeconds: { doc: 'Seconds a system command may run before its process group is killed (the request then answers 500).', format: 'nat', default: 60 },
  },
};
