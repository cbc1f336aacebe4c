/**
 * The simplest AuthService: the global `api.key` from config.yaml acts as an admin. Generates
 * and saves a key on first start when none is configured, as OctoPrint did.
 */
import { randomBytes } from 'node:crypto';
import { inject, injectable } from 'inversify';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { Logger } from '../logging/logger.js';
import { SettingsService } from '../settings/settings-service.js';
import type { AuthService, Principal } from './http-server.js';

/** OctoPrint's permission keys: an admin holds all of them. */
export const ALL_PERMISSIONS = [
  'ADMIN', 'STATUS', 'CONNECTION', 'WEBCAM', 'SYSTEM', 'FILES_LIST', 'FILES_UPLOAD', 'FILES_DOWNLOAD', 'FILES_DELETE',
  'FILES_SELECT', 'PRINT', 'GCODE_VIEWER', 'MONITOR_TERMINAL', 'CONTROL', 'SLICE', 'TIMELAPSE_LIST', 'TIMELAPSE_DOWNLOAD',
  'TIMELAPSE_DELETE', 'TIMELAPSE_MANAGE_UNRENDERED', 'TIMELAPSE_ADMIN', 'SETTINGS_READ', 'SETTINGS',
] as const;

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 32 characters of [A-Za-z0-9], the format OctoPrint clients validate. */
export function generateApiKey(): string {
  const bytes = randomBytes(64);
  let key = '';
  for (const byte of bytes) {
    if (byte >= 248) continue; // keep the distribution uniform over 62 symbols
    key += KEY_ALPHABET[byte % 62];
    if (key.length === 32) return key;
  }
  return key + generateApiKey().slice(0, 32 - key.length);
}

export function adminPrincipal(name: string, via: Principal['via']): Principal {
  return { name, admin: true, groups: ['users', 'admins'], permissions: [...ALL_PERMISSIONS], via };
}

/** The key a request carries: `X-Api-Key`, `Authorization: Bearer`, or `?apikey=`. */
export function requestKey(headers: Record<string, string | string[] | undefined>, query: Record<string, unknown>): string | null {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header) return header;
  const authorization = headers['authorization'];
  if (typeof authorization === 'string' && /^Bearer\s+/i.test(authorization)) return authorization.replace(/^Bearer\s+/i, '').trim();
  return typeof query['apikey'] === 'string' && query['apikey'] ? query['apikey'] : null;
}

@injectable()
export class GlobalKeyAuth implements AuthService, LifecycleContribution {
  readonly lifecycleName = 'auth';

  constructor(
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(Logger) private readonly logger: Logger,
  ) {}

  get open(): boolean {
    return !this.settings.get('api.requireKey');
  }

  async start(): Promise<void> {
    if (this.settings.get('api.key')) return;
    this.settings.set('api.key', generateApiKey());
    await this.settings.save();
    this.logger.warn({ apiKey: this.settings.get('api.key') }, `no api.key was configured: generated one and saved it to ${this.settings.configFile}`);
  }

  authenticateKey(key: string): Principal | null {
    const configured = this.settings.get('api.key');
    return configured && key === configured ? adminPrincipal('_api', 'apikey') : null;
  }

  authenticateRequest(headers: Record<string, string | string[] | undefined>, query: Record<string, unknown>): Principal | null {
    const key = requestKey(headers, query);
    if (key) return this.authenticateKey(key);
    return this.open ? adminPrincipal('_anonymous', 'anonymous') : null;
  }
}
