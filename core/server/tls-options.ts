/**
 * `server.tls`: the certificate and key the host serves HTTPS with when it has no reverse proxy in
 * front, read once at start (a renewed certificate takes a restart); a missing half or an unreadable
 * file refuses the start naming the setting.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import { serverSettings } from '../http/settings.js';
import { ConfigError, type SettingsService } from '../settings/settings-service.js';

export function tlsOptions(settings: SettingsService): { cert: Buffer; key: Buffer } | undefined {
  const { cert, key } = settings.of(serverSettings).get().tls;
  if (cert === '' && key === '') return undefined;
  if (cert === '' || key === '') throw new ConfigError(settings.configFile, cert === '' ? 'server.tls.cert' : 'server.tls.key', 'is needed too: HTTPS takes both server.tls.cert and server.tls.key');
  const read = (file: string, name: string) => {
    try {
      return readFileSync(path.resolve(settings.basedir, file));
    } catch (err) {
      throw new ConfigError(settings.configFile, name, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  };
  const options = { cert: read(cert, 'server.tls.cert'), key: read(key, 'server.tls.key') };
  try {
    createSecureContext(options);
  } catch (err) {
    throw new ConfigError(settings.configFile, 'server.tls.key', `with server.tls.cert does not make a TLS context: ${(err as Error).message}`);
  }
  return options;
}
