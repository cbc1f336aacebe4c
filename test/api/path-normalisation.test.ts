/**
 * Paths are normalised once at the server's entry (core/server/request-path.ts) and both the router
 * and the permission table see that one form. Every rule of the permission table is probed with a
 * read-only key in its plain form and in mixed case, with doubled, encoded and trailing slashes:
 * no spelling gets more access than the plain path.
 */
import { expect } from 'chai';
import { AuthManager } from '../../core/auth/api.js';
import { ROUTE_PERMISSIONS } from '../../core/auth/route-permissions.js';
import type { TestHost } from '../support/host.js';
import { api, startApiHost, type Api } from './support.js';

/** One request per rule of the table (at least): method and a concrete path. */
const SAMPLES: [string, string][] = [
  ['GET', '/api/version'],
  ['GET', '/api/currentuser'],
  ['POST', '/api/logout'],
  ['GET', '/api/files'],
  ['GET', '/api/files/local'],
  ['POST', '/api/files/local'],
  ['POST', '/api/files/local/cube.gcode'],
  ['DELETE', '/api/files/local/cube.gcode'],
  ['GET', '/downloads/files/local/cube.gcode'],
  ['GET', '/api/connection'],
  ['POST', '/api/connection'],
  ['GET', '/api/job'],
  ['POST', '/api/job'],
  ['GET', '/api/printer'],
  ['GET', '/api/printer/sd'],
  ['POST', '/api/printer/command'],
  ['POST', '/api/printer/sd'],
  ['GET', '/api/printerprofiles'],
  ['PATCH', '/api/printerprofiles/_default'],
  ['DELETE', '/api/printerprofiles/_default'],
  ['GET', '/api/settings'],
  ['POST', '/api/settings'],
  ['GET', '/api/slicing'],
  ['DELETE', '/api/slicing/prusaslicer/profiles/x'],
  ['GET', '/api/timelapse'],
  ['POST', '/api/timelapse'],
  ['GET', '/api/timelapse/x.mp4'],
  ['GET', '/downloads/timelapse/x.mp4'],
  ['DELETE', '/api/timelapse/x.mp4'],
  ['GET', '/api/timelapse/unrendered/x'],
  ['DELETE', '/api/timelapse/unrendered/x'],
  ['GET', '/api/system/commands'],
  ['GET', '/api/system/commands/core'],
  ['POST', '/api/system/commands/core/shutdown'],
  ['GET', '/api/plugins'],
  ['GET', '/api/printers'],
  ['GET', '/api/printers/default'],
  ['DELETE', '/api/printers/default'],
  ['GET', '/api/plugin/appkeys'],
  ['POST', '/api/plugin/appkeys'],
  ['POST', '/plugin/appkeys/decision/x'],
  ['POST', '/api/events/test'],
  ['GET', '/api/events'],
  ['GET', '/api/history'],
  ['GET', '/api/history/totals'],
  ['GET', '/api/backup'],
  ['DELETE', '/api/backup/cuttle-backup-20260101-000000.tar.gz'],
  ['GET', '/api/events'],
  ['GET', '/api/history'],
  ['GET', '/api/history/totals'],
  ['GET', '/api/access/users'],
  ['PUT', '/api/access/users/someone/password'],
  ['DELETE', '/api/access/users/someone'],
];

/** Alternating case on every letter: /aPi/sYsTeM/… */
function mixedCase(path: string): string {
  let upper = false;
  return path.replace(/[a-z]/gi, (c) => ((upper = !upper) ? c.toUpperCase() : c.toLowerCase()));
}

describe('path normalisation and the permission table', function () {
  this.timeout(30000);
  let t: TestHost;
  let call: Api;
  let readonlyKey: string;

  before(async () => {
    t = await startApiHost();
    call = api(t);
    const auth = t.get<AuthManager>(AuthManager);
    await auth.users.add('rob', { groups: ['readonly'] });
    readonlyKey = auth.users.addKey('rob', 'path tests');
  });
  after(() => t?.stop());

  it('has a sample for every rule of the table', () => {
    const uncovered = ROUTE_PERMISSIONS.filter((rule) => !SAMPLES.some(([m, p]) => rule.methods.includes(m) && rule.path.test(p)));
    expect(uncovered.map((r) => `${r.methods.join('|')} ${r.path}`)).to.deep.equal([]);
  });

  it('refuses a read-only key the system commands and slicing, in any spelling', async () => {
    for (const path of ['/api/system/commands', '/api/slicing']) {
      expect((await call('GET', path, { key: readonlyKey })).status, path).to.equal(403);
      expect((await call('GET', path.toUpperCase(), { key: readonlyKey })).status, path.toUpperCase()).to.equal(404);
      expect((await call('GET', `${path}/`, { key: readonlyKey })).status, `${path}/`).to.equal(403);
      expect((await call('GET', path.replace('/api/', '/api%2F'), { key: readonlyKey })).status).to.equal(403);
    }
  });

  it('gives every route in mixed case no route at all, and slash variants the plain answer', async () => {
    const problems: string[] = [];
    for (const [method, path] of SAMPLES) {
      const plain = (await call(method, path, { key: readonlyKey })).status;
      const mixed = (await call(method, mixedCase(path), { key: readonlyKey })).status;
      if (mixed !== 404) problems.push(`${method} ${mixedCase(path)}: ${mixed} (plain ${plain})`);
      const variants = [path.replace(/\//g, '//'), `${path}/`, path.replace(/\/(?=[^/]*$)/, '%2F'), path.replace(/\/(?=[^/]*$)/, '%2f')];
      for (const variant of variants) {
        const status = (await call(method, variant, { key: readonlyKey })).status;
        if (status !== plain) problems.push(`${method} ${variant}: ${status}, plain ${path}: ${plain}`);
      }
    }
    expect(problems).to.deep.equal([]);
  });
});
