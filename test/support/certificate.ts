/** A self-signed certificate for 127.0.0.1 and its key, made by openssl (call `needsTool(this, 'openssl')` first). */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';

export function makeCertificate(dir: string, name: string): { cert: string; key: string } {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { encoding: 'utf8' });
  expect(made.status, made.stderr).to.equal(0);
  return { cert, key };
}
