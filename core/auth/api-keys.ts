/** API keys: how they look (what OctoPrint clients validate), how a request carries one, and the admin principal. */
import { randomBytes } from 'node:crypto';
import type { Principal } from '../http/http-server.js';
import { PERMISSION_KEYS } from './permissions.js';

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 32 characters of [A-Za-z0-9], uniformly drawn. */
export function generateApiKey(): string {
  let key = '';
  while (key.length < 32) {
    for (const byte of randomBytes(48)) {
      if (byte >= 248) continue; // 248 = 4 × 62: keeps every symbol equally likely
      key += KEY_ALPHABET[byte % 62];
      if (key.length === 32) break;
    }
  }
  return key;
}

/** The key a request carries: `X-Api-Key`, `Authorization: Bearer`, or `?apikey=`. */
export function requestKey(headers: Record<string, string | string[] | undefined>, query: Record<string, unknown>): string | null {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header) return header;
  const authorization = headers['authorization'];
  if (typeof authorization === 'string' && /^Bearer\s+/i.test(authorization)) return authorization.replace(/^Bearer\s+/i, '').trim();
  return typeof query['apikey'] === 'string' && query['apikey'] ? query['apikey'] : null;
}

/** The principal of the global key (and of anonymous access when keys are not required). */
export function adminPrincipal(name: string, via: Principal['via']): Principal {
  return { name, admin: true, groups: ['users', 'admins'], permissions: [...PERMISSION_KEYS], via };
}
