/** Settings of the Moonraker surface (`moonraker.*`): on or off, and the networks let in without a key. */
import { defineSettings } from '../settings/settings-section.js';
import { checkNetworks } from '../common/networks.js';

export { trustedNetworks } from '../common/networks.js';

export const moonrakerSettings = defineSettings('moonraker', {
  enabled: { doc: 'Serve Moonraker’s API (websocket at /websocket, /server/… HTTP) on each printer’s port and the main port’s root.', format: Boolean, default: true },
  trustedClients: {
    doc: 'Networks (CIDR, e.g. 192.168.1.0/24) whose clients use Moonraker’s API without a key, as the users group, as Moonraker’s trusted_clients. Empty: none.',
    format: checkNetworks,
    default: [] as string[],
  },
  tokenLifetime: {
    doc: 'Seconds an access token of Moonraker’s login (a JWT) is valid; clients refresh it with access.refresh_jwt while the session lives.',
    format: 'nat',
    default: 3600,
  },
  scriptTimeout: {
    doc: 'Seconds printer.gcode.script waits for the printer to finish a script (the "ok" of its last line) before answering with an error; the printer goes on with it.',
    format: 'nat',
    default: 600,
  },
});
