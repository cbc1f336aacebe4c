/**
 * Several processes writing users.yaml at once lose nothing: eight `cuttle user key` runs and REST
 * key generation against a running host (its own process), all at the same moment. Every key that
 * was printed or answered must then open the API.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { lastLine } from '../clients/helpers.js';
import { cli } from '../support/cli.js';
import { TEST_API_KEY } from '../support/host.js';
import { spawnHost, type HostProcess } from './support.js';
import { keyHeaders, jsonHeaders } from '../support/http.js';

async function currentUser(baseUrl: string, key: string): Promise<{ status: number; name?: string }> {
  const res = await fetch(`${baseUrl}/api/currentuser`, { headers: keyHeaders(key) });
  const body = (await res.json().catch(() => ({}))) as { name?: string };
  return { status: res.status, name: body.name };
}

describe('users.yaml with concurrent writers (CLI processes and a running host)', function () {
  this.timeout(120000);
  let basedir: string;
  let host: HostProcess | undefined;

  beforeEach(async () => {
    basedir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-writers-'));
    writeFileSync(path.join(basedir, 'config.yaml'), `api:\n  key: ${TEST_API_KEY}\n`);
    expect((await cli(['user', 'add', 'alice', '--basedir', basedir])).code).to.equal(0);
    host = await spawnHost(basedir);
  });
  afterEach(async () => {
    await host?.stop();
    rmSync(basedir, { recursive: true, force: true });
  });

  it('keeps every key of 8 simultaneous `cuttle user key` runs and 8 REST generations', async () => {
    const base = host!.baseUrl;
    const viaCli = Array.from({ length: 8 }, () => cli(['user', 'key', 'alice', '--basedir', basedir]));
    const viaRest = Array.from({ length: 8 }, (_, i) =>
      fetch(`${base}/api/plugin/appkeys`, {
        method: 'POST',
        headers: jsonHeaders(TEST_API_KEY),
        body: JSON.stringify({ command: 'generate', app: `rest ${i}`, user: 'alice' }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { api_key: string } })),
    );
    const printed = await Promise.all(viaCli);
    const answered = await Promise.all(viaRest);
    for (const run of printed) expect(run.code, run.stderr).to.equal(0);
    for (const reply of answered) expect(reply.status).to.equal(200);
    const keys = [...printed.map((run) => lastLine(run.stdout)), ...answered.map((reply) => reply.body.api_key)];
    expect(new Set(keys).size).to.equal(16);
    const refused: string[] = [];
    for (const key of keys) {
      const me = await currentUser(base, key);
      if (me.status !== 200 || me.name !== 'alice') refused.push(`${key}: ${me.status}`);
    }
    expect(refused, readFileSync(path.join(basedir, 'users.yaml'), 'utf8')).to.deep.equal([]);
    expect(readdirSync(basedir).filter((n) => n.endsWith('.tmp') || n.endsWith('.lock'))).to.deep.equal([]);
  });

  it('sweeps temporary files of users.yaml left by a writer killed mid-write', async () => {
    await host!.stop();
    const dead = 2 ** 22 + 12345; // above the usual pid range: no such process
    const leftover = `.users.yaml.${dead}.0a1b2c3d4e5f.tmp`;
    const alive = `.users.yaml.${process.pid}.0a1b2c3d4e5f.tmp`; // a writer still running keeps its file
    writeFileSync(path.join(basedir, leftover), 'users: [');
    writeFileSync(path.join(basedir, alive), 'users: [');
    host = await spawnHost(basedir);
    expect(readdirSync(basedir)).to.not.include(leftover);
    expect(readdirSync(basedir)).to.include(alive);
  });
});
