/**
 * The server and system commands an admin may trigger (`system.*`, run without a shell, split into
 * argv), contributed by systemModule.
 */
import { defineSettings } from '../settings/settings-section.js';

export interface SystemAction {
  action: string;
  name: string;
  command: string;
  confirm: string | null;
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

export const systemSettings = defineSettings('system', {
  commands: {
    serverRestart: { doc: 'Command that restarts cuttle (split into words as a shell would, quotes honoured, then run without a shell); empty to offer none.', format: String, default: '' },
    systemRestart: { doc: 'Command that reboots the machine; empty to offer none.', format: String, default: '' },
    systemShutdown: { doc: 'Command that shuts the machine down; empty to offer none.', format: String, default: '' },
  },
  actions: { doc: 'Custom system actions: [{action, name, command, confirm}].', ...actions, default: [] as SystemAction[] },
  commandTimeoutSeconds: { doc: 'Seconds a system command may run before its process group is killed (the request then answers 500).', format: 'nat', default: 60 },
});
