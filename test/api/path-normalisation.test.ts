/**
 * Paths are normalised once at the server's entry (core/http/request-path.ts) and the route table,
 * from which both the router and the permission checks are built, sees that one form. Every route
 * of the table that needs a key is probed with a
 * read-only key in its plain form and in mixed case, with doubled, encoded and trailing slashes:
 * no spelling gets more access than the plain path.
 */
import { expect } from 'chai';
import { AuthManager } from '../../core/auth/api.js';
import { HttpRoutes } from '../../core/http/routes.js';
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
  ['GET', '/api/server'],
  ['GET', '/api/access/permissions'],
  ['GET', '/api/access/groups'],
  ['GET', '/api/access/groups/users'],
  ['GET', '/api/access/users/someone'],
  ['POST', '/api/access/users'],
  ['PUT', '/api/access/users/someone'],
  ['GET', '/api/printer/tool'],
  ['POST', '/api/printer/tool'],
  ['GET', '/api/printer/bed'],
  ['POST', '/api/printer/bed'],
  ['GET', '/api/printer/chamber'],
  ['POST', '/api/printer/chamber'],
  ['POST', '/api/printer/printhead'],
  ['POST', '/api/printers'],
  ['PATCH', '/api/printers/default'],
  ['GET', '/api/printerprofiles/_default'],
  ['POST', '/api/printerprofiles'],
  ['GET', '/api/files/local/cube.gcode'],
  ['GET', '/api/slicing/prusaslicer/profiles'],
  ['GET', '/api/slicing/prusaslicer/profiles/x'],
  ['PUT', '/api/slicing/prusaslicer/profiles/x'],
  ['PATCH', '/api/slicing/prusaslicer/profiles/x'],
  ['POST', '/api/timelapse/unrendered/x'],
  ['POST', '/api/backup'],
  ['POST', '/api/backup/restore'],
  ['GET', '/api/backup/x.tar.gz'],
  ['GET', '/plugin/backup'],
  ['GET', '/plugin/backup/unknown_plugins'],
  ['DELETE', '/plugin/backup/unknown_plugins'],
  ['GET', '/plugin/backup/backup'],
  ['POST', '/plugin/backup/backup'],
  ['DELETE', '/plugin/backup/backup/cuttle-backup-20260101-000000.tar.gz'],
  ['GET', '/plugin/backup/download/cuttle-backup-20260101-000000.tar.gz'],
  ['POST', '/plugin/backup/restore'],
  ['GET', '/api/logs'],
  ['GET', '/api/logs/cuttle.log'],
  ['GET', '/api/logs/levels'],
  ['PUT', '/api/logs/levels'],
  ['GET', '/metrics'],
  ['GET', '/api/ui/panels'],
  ['GET', '/api/settings/pages'],
  ['GET', '/api/settings/pages/mqtt'],
  ['PUT', '/api/settings/pages/mqtt'],
  ['GET', '/api/printers/p1/webcams'],
  ['PUT', '/api/printers/p1/webcams'],
  ['GET', '/plugin/mqtt/status'],
  ['GET', '/api/events/subscriptions'],
  ['POST', '/api/events/subscriptions'],
  ['PUT', '/api/events/subscriptions/0'],
  ['DELETE', '/api/events/subscriptions/0'],
  ['POST', '/api/events/subscriptions/0/test'],
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

  it('has a sample for every route of the table that needs a key', () => {
    const routes = t.get<HttpRoutes>(HttpRoutes);
    const sampled = new Set(SAMPLES.map(([m, p]) => routes.match(m, p)).filter((r) => r !== undefined).map((r) => `${r.method} ${r.path}`));
    const uncovered = routes.table().filter((r) => r.access !== 'public' && !sampled.has(`${r.method} ${r.path}`));
    expect(uncovered.map((r) => `${r.method} ${r.path} (${r.owner})`)).to.deep.equal([]);
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
      // an encoded slash between segments (a one-segment path such as /metrics has none to encode)
      const encoded = path.lastIndexOf('/') > 0 ? [path.replace(/\/(?=[^/]*$)/, '%2F'), path.replace(/\/(?=[^/]*$)/, '%2f')] : [];
      const variants = [path.replace(/\//g, '//'), `${path}/`, ...encoded];
      for (const variant of variants) {
        const status = (await call(method, variant, { key: readonlyKey })).status;
        if (status !== plain) problems.push(`${method} ${variant}: ${status}, plain ${path}: ${plain}`);
      }
    }
    expect(problems).to.deep.equal([]);
  });
});
