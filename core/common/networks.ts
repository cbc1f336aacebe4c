/**
 * Lists of networks ("192.168.1.0/24", "::1/128", a bare address), checked when configured and
 * matched against a peer's address: Moonraker's trustedClients and server.trustedProxies.
 */
import { BlockList, isIP } from 'node:net';

/** Checks a CIDR list and builds its matcher; throws naming the first entry that is not one. */
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

/** A settings format for such a list: refuses anything but a list of addresses and CIDR networks. */
export function checkNetworks(value: unknown): void {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new Error('must be a list of CIDR networks');
  trustedNetworks(value as string[]);
}

/** Whether a socket's peer address (an IPv4 one as `::ffff:a.b.c.d` on a dual-stack socket too) is in the networks. */
export function inNetworks(networks: BlockList, address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  const family = isIP(plain);
  return family !== 0 && networks.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}
