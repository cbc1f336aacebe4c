/**
 * `cuttle serve --virtual-printers N`: N simulated printers virtual-1 … virtual-N, each connected,
 * for the run only (config.yaml untouched until printers change at run time, then the farm as it
 * runs is saved); refused with printers: in the file, with another --connect, and outside 1..64.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { spawnHost } from '../api/support.js';
import { cliInProcess as cli } from '../support/cli.js';
import { TEST_API_KEY } from '../support/host.js';
import { savedPrinters } from './support.js';
import { jsonHeaders } from '../support/http.js';
import { waitFor } from '../support/wait.js';

const CONFIG = `api:
  key: ${TEST_API_KEY} # the test key
serial:
  virtual: { speedFactor: 100, motion: false }
`;

describe('cuttle serve --virtual-printers', function () {
  this.timeout(60000);
  const basedirs: string[] = [];
  const basedirWith = (config: string) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-virtual-'));
    writeFileSync(path.join(dir, 'config.yaml'), config);
    basedirs.push(dir);
    return dir;
  };
  after(() => basedirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('runs N connected simulated printers without writing config.yaml, and saves the farm once it changes at run time', async () => {
    const basedir = basedirWith(CONFIG);
    // as `npm start -- --virtual-printers 3` passes it, --connect virtual included
    const host = await spawnHost(basedir, ['--virtual-printers', '3', '--connect', 'virtual']);
    try {
      const headers = jsonHeaders(TEST_API_KEY);
      const list = async () => ((await (await fetch(`${host.baseUrl}/api/printers`, { headers })).json()) as { printers: { id: string; name: string; state: { text: string } }[] }).printers;
      await waitFor(async () => (await list()).every((p) => p.state.text === 'Operational'), 20000);
      expect((await list()).map((p) => [p.id, p.name])).to.deep.equal([
        ['virtual-1', 'Virtual 1'],
        ['virtual-2', 'Virtual 2'],
        ['virtual-3', 'Virtual 3'],
      ]);
      expect(readFileSync(path.join(basedir, 'config.yaml'), 'utf8')).to.equal(CONFIG);
      expect((await fetch(`${host.baseUrl}/printer/virtual-2/api/job`, { headers })).status).to.equal(200);

      const added = await fetch(`${host.baseUrl}/api/printers`, { method: 'POST', headers, body: JSON.stringify({ id: 'real', connection: { port: '/dev/ttyUSB0' } }) });
      expect(added.status).to.equal(201);
      expect(savedPrinters(basedir).map((p) => [p.id, p.connection.port, p.connection.autoconnect])).to.deep.equal([
        ['virtual-1', 'virtual', true],
        ['virtual-2', 'virtual', true],
        ['virtual-3', 'virtual', true],
        ['real', '/dev/ttyUSB0', false],
      ]);
      expect(readFileSync(path.join(basedir, 'config.yaml'), 'utf8')).to.include('# the test key');
    } finally {
      await host.stop();
    }
    // the saved farm is now the file's: the flag is refused, naming the file
    const again = await cli(['serve', '--basedir', basedir, '--port', '0', '--virtual-printers', '2']);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.include('refusing --virtual-printers 2').and.include(path.join(basedir, 'config.yaml')).and.include('4 printer(s)');
  });

  it('refuses a count outside 1..64, --set printers and another --connect with exit 2, naming the problem', async () => {
    const basedir = basedirWith(CONFIG);
    for (const [args, message] of [
      [['--virtual-printers', '0'], 'from 1 to 64, got "0"'],
      [['--virtual-printers', '65'], 'from 1 to 64, got "65"'],
      [['--virtual-printers', 'three'], 'got "three"'],
      [['--virtual-printers', '2', '--set', 'printers=[]'], '--set printers'],
      [['--virtual-printers', '2', '--connect', '/dev/ttyUSB0'], '--connect /dev/ttyUSB0 cannot be used with --virtual-printers'],
    ] as const) {
      const r = await cli(['serve', '--basedir', basedir, '--port', '0', ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(2);
      expect(r.stderr, args.join(' ')).to.include(message);
    }
    expect(readFileSync(path.join(basedir, 'config.yaml'), 'utf8')).to.equal(CONFIG);
  });
});
