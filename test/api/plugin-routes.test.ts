/**
 * A plugin's routes declare their permissions and are checked exactly as the core's: the same
 * table, the same check, the same 403. Its settings page over REST (what a panel's `api.settings` calls),
 * and the web app panel it declares in `@Plugin({ ui })`, registered while it runs. The fixture plugin
 * (test/fixtures/guarded-routes) imports only 'cuttle'.
 */
import path from 'node:path';
import { expect } from 'chai';
import { AuthManager } from '../../core/auth/api.js';
import { HttpRoutes } from '../../core/http/routes.js';
import { UiPanels } from '../../core/ui/panels.js';
import type { TestHost } from '../support/host.js';
import { api, startApiHost, type Api } from './support.js';

const PLUGIN = path.join(__dirname, '../fixtures/guarded-routes');

describe('plugin routes declare their permissions', function () {
  this.timeout(30000);
  let t: TestHost;
  let call: Api;
  let readonlyKey: string;
  let userKey: string;

  before(async () => {
    t = await startApiHost({ config: { plugins: { paths: [PLUGIN] } } });
    call = api(t);
    const auth = t.get<AuthManager>(AuthManager);
    await auth.users.add('viewer', { groups: ['readonly'] });
    await auth.users.add('maker', { groups: ['users'] });
    readonlyKey = auth.users.addKey('viewer', 'plugin route tests');
    userKey = auth.users.addKey('maker', 'plugin route tests');
  });
  after(async () => {
    await t?.stop();
    // the plugin stopped: its panel is gone with it
    if (t) expect(t.get<UiPanels>(UiPanels).list().map((p) => p.owner)).not.to.include('guarded');
  });

  it('answers 403 to a key without the permission a route declares, and serves one that has it', async () => {
    const refused = await call('POST', '/plugin/guarded/print', { key: readonlyKey, body: {} });
    expect(refused.status).to.equal(403);
    expect(refused.json.error).to.equal('Insufficient permissions: needs PRINT');
    const served = await call('POST', '/plugin/guarded/print', { key: userKey, body: {} });
    expect(served.status).to.equal(200);
    expect(served.json).to.deep.equal({ printing: true, by: 'maker' });
  });

  it('opens a read to the permission it declares, not to any key', async () => {
    expect((await call('GET', '/plugin/guarded/status', { key: readonlyKey })).json).to.deep.equal({ status: 'fine' });
    expect((await call('GET', '/plugin/guarded/status', { key: null })).status).to.equal(403);
    expect((await call('GET', '/plugin/guarded/status', { key: 'A'.repeat(32) })).status).to.equal(403);
  });

  it('takes any one of the permissions of anyOf, and admins hold all', async () => {
    expect((await call('POST', '/plugin/guarded/either', { key: readonlyKey, body: {} })).status).to.equal(403);
    expect((await call('POST', '/plugin/guarded/either', { key: userKey, body: {} })).status).to.equal(204);
    expect((await call('POST', '/plugin/guarded/either', { body: {} })).status).to.equal(204);
  });

  it('serves a public route without a key', async () => {
    expect((await call('GET', '/plugin/guarded/hello', { key: null })).json).to.deep.equal({ hello: 'world' });
  });

  it('lists the routes in the one table, with their access, as the router matches them', () => {
    const routes = t.get<HttpRoutes>(HttpRoutes);
    const declared = routes.table().filter((r) => r.owner === 'guarded');
    expect(declared.map((r) => [r.method, r.path, r.access])).to.deep.equal([
      ['GET', '/plugin/guarded/status', 'STATUS'],
      ['POST', '/plugin/guarded/print', 'PRINT'],
      ['POST', '/plugin/guarded/either', { anyOf: ['SYSTEM', 'TIMELAPSE_ADMIN'] }],
      ['GET', '/plugin/guarded/hello', 'public'],
    ]);
    expect(routes.match('POST', '/plugin/guarded/print')?.access).to.equal('PRINT');
    expect(routes.match('HEAD', '/plugin/guarded/status')?.access).to.equal('STATUS');
    expect(routes.match('PUT', '/plugin/guarded/print')).to.equal(undefined);
  });

  it('lists the panel of its @Plugin({ ui }) and serves that module from its folder', async () => {
    const listed = await call('GET', '/api/ui/panels', { key: readonlyKey });
    expect(listed.json.panels).to.deep.include({ owner: 'guarded', id: 'status', title: 'Guarded status', location: 'printer', url: 'ui-panels/guarded/status.js' });
    const served = await fetch(`${t.baseUrl}/ui-panels/guarded/status.js`);
    expect(served.status).to.equal(200);
    expect(served.headers.get('content-type')).to.match(/^text\/javascript/);
    expect(await served.text()).to.match(/export function mount\(element, api\)/);
  });

  it("reads its own settings page (what a panel's api.settings calls) with SETTINGS_READ, sensitive ones blank, and changes it with SETTINGS, validated by its schema", async () => {
    const page = '/api/settings/pages/plugins.guarded';
    expect((await call('GET', page, { key: readonlyKey })).json.values).to.deep.equal({ greeting: 'Guarded', token: '' });
    expect((await call('GET', '/api/settings/pages/plugins.nope')).status).to.equal(404);
    expect((await call('PUT', page, { key: userKey, body: { values: { greeting: 'Hi' } } })).status).to.equal(403);
    const wrong = await call('PUT', page, { body: { values: { greeting: 5 } } });
    expect(wrong.status).to.equal(400);
    expect(wrong.json.key).to.equal('plugins.guarded.greeting');
    const saved = await call('PUT', page, { body: { values: { greeting: 'Hello' } } });
    expect(saved.status).to.equal(200);
    expect(saved.json.values).to.deep.equal({ greeting: 'Hello', token: '' });
    expect((await call('GET', page, { key: readonlyKey })).json.values).to.deep.equal({ greeting: 'Hello', token: '' });
  });
});
