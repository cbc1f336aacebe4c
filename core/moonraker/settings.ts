/** Settings of the Moonraker surface (`moonraker.*`): on or off, and the networks let in without a key. */
import { defineSettings } from '../settings/settings-section.js';
import { BlockList, isIP } from 'node:net';

/** Checks a CIDR list ("192.168.1.0/24", "::1/128", a bare address) and builds its matcher. */
export function trustedNetworks(list: readonly string[]): BlockList {
  const networks = new BlockList();
  for (const item of list) {
    const [address = '', bits] = item.trim().split('/');
    const family = isIP(address);
    if (family === 0) throw new Error(`"${item}" is not an address or CIDR network`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) throw new Error(`"${item}" has a bad prefix length`);
    networks.addSubnet(address, prefix, type);
  }
  return networks;
}

export const moonrakerSettings = defineSettings('moonraker', {
  enabled: { doc: 'Serve Moonraker’s API (websocket at /websocket, /server/… HTTP) on each printer’s port and the main port’s root.', format: Boolean, default: true },
  trustedClients: {
    doc: 'Networks (CIDR, e.g. 192.168.1.0/24) whose clients use Moonraker’s API without a key, as the users group, as Moonraker’s trusted_clients. Empty: none.',
    format: (value: unknown) => {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new Error('must be a list of CIDR networks');
      trustedNetworks(value as string[]);
    },
    default: [] as string[],
  },
});
