/**
 * Users, application keys, login/session and the app-key request flow, over real HTTP and the CLI:
 * `cuttle user` in-process (the first user by a real process, its password on stdin); `cuttle keys`
 * as a real process, since it shares appkeys-pending.yaml's lock with the host's background writes
 * (a lock that waits synchronously, which in the host's own process would wait for ever).
 */
import { expect } from 'chai';
import { AuthManager } from '../../core/auth/api.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { cli, cliInProcess } from '../support/cli.js';
import { lastLine, request, type Reply } from './helpers.js';
import { waitFor } from '../support/wait.js';
import { APPKEY_REQUESTS_FILE } from '../../core/auth/appkey-requests.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';

describe('clients: users, keys, login', function () {
  let t: TestHost;
  let adminKey: string;
  let readonlyKey: string;

  before(async () => {
    t = await startTestHost({ config: { accessControl: { loginAttempts: 3 } } });
    expect((await cli(['user', 'add', 'alice', '--admin', '--password-stdin', '--basedir', t.basedir], 'wonderland\n')).code).to.equal(0);
    expect((await cliInProcess(['user', 'add', 'rob', '--readonly', '--basedir', t.basedir])).code).to.equal(0);
    const key = await cliInProcess(['user', 'key', 'alice', '--app', 'Tests', '--basedir', t.basedir]);
    expect(key.code).to.equal(0);
    adminKey = lastLine(key.stdout);
    readonlyKey = lastLine((await cliInProcess(['user', 'key', 'rob', '--basedir', t.basedir])).stdout);
  });
  after(() => t?.stop());

  it('generates 32-character [A-Za-z0-9] keys and refuses duplicate users', async () => {
    expect(adminKey).to.match(/^[A-Za-z0-9]{32}$/);
    expect(readonlyKey).to.match(/^[A-Za-z0-9]{32}$/);
    const again = await cliInProcess(['user', 'add', 'alice', '--basedir', t.basedir]);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.contain('already exists');
  });

  it('keeps no plain password in users.yaml', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(`${t.basedir}/users.yaml`, 'utf8');
    expect(text).to.not.contain('wonderland');
    expect(text).to.match(/password: scrypt\$/);
  });

  it('answers a passive login with OctoPrint’s keys for the key’s user', async () => {
    const r = await request(t.baseUrl, 'POST', '/api/login', { key: adminKey, body: { passive: true } });
    expect(r.status).to.equal(200);
    expect(r.body).to.include.keys('name', 'session', 'active', 'admin', 'groups', 'permissions', 'needs', 'roles', '_login_mechanism');
    expect(r.body.name).to.equal('alice');
    expect(r.body.admin).to.equal(true);
    expect(r.body.groups).to.include('admins');
    expect(r.body.needs.group).to.deep.equal(r.body.groups);
    expect(r.body.needs.role).to.include.members(['print', 'files_upload', 'admin', 'status']);
    expect(r.body.session).to.match(/^[0-9a-f]{64}$/);
    const viaGet = await request(t.baseUrl, 'GET', `/api/login?passive=true&apikey=${readonlyKey}`);
    expect(viaGet.status).to.equal(200);
    expect(viaGet.body.name).to.equal('rob');
    expect(viaGet.body.needs.role).to.include('status').and.not.include('print');
  });

  it('refuses a passive login without a valid key', async () => {
    expect((await request(t.baseUrl, 'POST', '/api/login', { body: { passive: true } })).status).to.equal(403);
    expect((await request(t.baseUrl, 'POST', '/api/login', { key: 'x'.repeat(32), body: { passive: true } })).status).to.equal(403);
  });

  it('global api.key still acts as an admin', async () => {
    const r = await request(t.baseUrl, 'GET', '/api/currentuser', { key: t.apiKey });
    expect(r.status).to.equal(200);
    expect(r.body.permissions).to.include('PRINT');
  });

  it('logs in with a password, sets a session cookie that /api/currentuser accepts, and logs out', async () => {
    const bad = await request(t.baseUrl, 'POST', '/api/login', { body: { user: 'alice', pass: 'nope' } });
    expect(bad.status).to.equal(403);
    const good = await request(t.baseUrl, 'POST', '/api/login', { body: { user: 'alice', pass: 'wonderland' } });
    expect(good.status).to.equal(200);
    expect(good.body._login_mechanism).to.equal('password');
    const cookie = good.headers.get('set-cookie')!.split(';')[0]!;
    expect(cookie).to.match(/^cuttle_session=/);
    const me = await request(t.baseUrl, 'GET', '/api/currentuser', { headers: { Cookie: cookie } });
    expect(me.status).to.equal(200);
    expect(me.body).to.deep.include({ name: 'alice' });
    expect(me.body.groups).to.include('admins');
    expect((await request(t.baseUrl, 'POST', '/api/logout', { headers: { Cookie: cookie } })).status).to.equal(204);
    expect((await request(t.baseUrl, 'GET', '/api/currentuser', { headers: { Cookie: cookie } })).status).to.equal(403);
  });

  it('refuses a change authenticated by the session cookie alone (CSRF) unless it carries the X-CSRF-Token the login handed out', async () => {
    const login = await request(t.baseUrl, 'POST', '/api/login', { body: { user: 'alice', pass: 'wonderland' } });
    expect(login.status).to.equal(200);
    const session = login.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('cuttle_session='))!;
    const csrf = login.body.csrfToken as string;
    expect(csrf).to.match(/^[0-9a-f]{40}$/);
    const target = { command: 'target', targets: { tool0: 0 } };
    // what a form on another site can make the browser send: the cookie, no header of its own
    const forged = await request(t.baseUrl, 'POST', '/api/printer/tool', { headers: { Cookie: session }, body: target });
    expect(forged.status).to.equal(403);
    expect(forged.body.error).to.match(/X-CSRF-Token/);
    const wrong = await request(t.baseUrl, 'POST', '/api/printer/tool', { headers: { Cookie: session, 'X-CSRF-Token': 'f'.repeat(40) }, body: target });
    expect(wrong.status).to.equal(403);
    // the page that logged in sends its token; reads need none
    const allowed = await request(t.baseUrl, 'POST', '/api/printer/tool', { headers: { Cookie: session, 'X-CSRF-Token': csrf }, body: target });
    expect(allowed.status).to.not.equal(403);
    expect((await request(t.baseUrl, 'GET', '/api/currentuser', { headers: { Cookie: session } })).status).to.equal(200);
    expect((await request(t.baseUrl, 'POST', '/api/logout', { headers: { Cookie: session } })).status).to.equal(204);
  });

  it('accepts a urlencoded active login and a passive login flagged in the query', async () => {
    const form = await fetch(`${t.baseUrl}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'user=alice&pass=wonderland' });
    expect(form.status).to.equal(200);
    expect(((await form.json()) as { name: string }).name).to.equal('alice');
    const passive = await request(t.baseUrl, 'POST', '/api/login?passive=true', { key: readonlyKey });
    expect(passive.body.name).to.equal('rob');
  });

  it('rate-limits failed logins per address', async () => {
    const auth = t.get<AuthManager>(AuthManager);
    expect(auth.options.loginAttempts).to.equal(3); // from config accessControl.loginAttempts
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await request(t.baseUrl, 'POST', '/api/login', { body: { user: 'rob', pass: `guess${i}` } })).status);
    expect(statuses.slice(0, 2)).to.deep.equal([403, 403]);
    expect(statuses.at(-1)).to.equal(429);
    // let the later tests log in from this address again
    auth.options.loginAttempts = 10;
  });

  it('gives a read-only user status but not print permissions', async () => {
    const me = await request(t.baseUrl, 'GET', '/api/currentuser', { key: readonlyKey });
    expect(me.body.permissions).to.include.members(['STATUS', 'FILES_LIST']).and.not.include.members(['PRINT']);
    expect(me.body.permissions).to.not.include('FILES_UPLOAD');
    expect(me.body.permissions).to.not.include('CONTROL');
  });

  it('cuts off a revoked key and a deleted user at once', async () => {
    const key = lastLine((await cliInProcess(['user', 'key', 'rob', '--app', 'Temp', '--basedir', t.basedir])).stdout);
    expect((await request(t.baseUrl, 'GET', '/api/currentuser', { key })).status).to.equal(200);
    expect((await cliInProcess(['user', 'revoke', key, '--basedir', t.basedir])).code).to.equal(0);
    expect((await request(t.baseUrl, 'GET', '/api/currentuser', { key })).status).to.equal(403);
    await cliInProcess(['user', 'add', 'temp', '--basedir', t.basedir]);
    const tempKey = lastLine((await cliInProcess(['user', 'key', 'temp', '--basedir', t.basedir])).stdout);
    expect((await request(t.baseUrl, 'GET', '/api/currentuser', { key: tempKey })).status).to.equal(200);
    t.get<AuthManager>(AuthManager).deleteUser('temp');
    expect((await request(t.baseUrl, 'GET', '/api/currentuser', { key: tempKey })).status).to.equal(403);
  });

  it('manages users through /api/access like OctoPrint, cutting off a deactivated user at once', async () => {
    expect((await request(t.baseUrl, 'GET', '/api/access/permissions', { key: readonlyKey })).body.permissions.map((p: { key: string }) => p.key)).to.include('PRINT');
    expect((await request(t.baseUrl, 'GET', '/api/access/users', { key: readonlyKey })).status).to.equal(403);
    const groups = await request(t.baseUrl, 'GET', '/api/access/groups', { key: adminKey });
    expect(groups.body.groups.map((g: { key: string }) => g.key)).to.deep.equal(['admins', 'users', 'readonly']);
    const added = await request(t.baseUrl, 'POST', '/api/access/users', { key: adminKey, body: { name: 'erin', password: 'first-pass', active: true } });
    expect(added.status).to.equal(200);
    expect(added.body.users.find((u: { name: string }) => u.name === 'erin')).to.include({ active: true, admin: false });
    expect((await request(t.baseUrl, 'POST', '/api/access/users', { key: adminKey, body: { name: 'erin', password: 'x' } })).status).to.equal(409);
    const erinKey = lastLine((await cliInProcess(['user', 'key', 'erin', '--basedir', t.basedir])).stdout);
    expect((await request(t.baseUrl, 'GET', '/api/access/users/erin', { key: erinKey })).body.name).to.equal('erin');
    expect((await request(t.baseUrl, 'GET', '/api/access/users/alice', { key: erinKey })).status).to.equal(403);
    expect((await request(t.baseUrl, 'PUT', '/api/access/users/erin/password', { key: erinKey, body: { password: 'second', current: 'wrong' } })).status).to.equal(403);
    expect((await request(t.baseUrl, 'PUT', '/api/access/users/erin/password', { key: erinKey, body: { password: 'second', current: 'first-pass' } })).status).to.equal(200);
    expect((await request(t.baseUrl, 'POST', '/api/login', { body: { user: 'erin', pass: 'second' } })).status).to.equal(200);
    expect((await request(t.baseUrl, 'PUT', '/api/access/users/erin', { key: adminKey, body: { active: false } })).status).to.equal(200);
    expect((await request(t.baseUrl, 'GET', '/api/currentuser', { key: erinKey })).status).to.equal(403);
    expect((await request(t.baseUrl, 'DELETE', '/api/access/users/erin', { key: adminKey })).body.users.map((u: { name: string }) => u.name)).to.not.include('erin');
  });

  it('asks for the password again before a user is added, changed or removed, another\u2019s password set, or a key shown or made, as OctoPrint does (a key is not asked)', async () => {
    const auth = t.get<AuthManager>(AuthManager);
    const configured = auth.options.reauthenticationMs;
    const login = await request(t.baseUrl, 'POST', '/api/login', { body: { user: 'alice', pass: 'wonderland' } });
    const session = login.body.session as string;
    auth.options.reauthenticationMs = 1;
    try {
      await waitFor(async () => (await request(t.baseUrl, 'POST', '/api/access/users', { key: session, body: { name: 'frank', password: 'pw' } })).status === 403, 5000, 'the password check going stale');
      for (const [method, path, body] of [
        ['POST', '/api/access/users', { name: 'frank', password: 'pw' }],
        ['PUT', '/api/access/users/rob', { active: false }],
        ['DELETE', '/api/access/users/rob', undefined],
        ['PUT', '/api/access/users/rob/password', { password: 'new-one' }],
      ] as const) {
        const refused = await request(t.baseUrl, method, path, { key: session, body });
        expect([refused.status, refused.body.reauthenticate], `${method} ${path}`).to.deep.equal([403, true]);
      }
      // nothing happened; reading is not asked; a user changing their own password gives the present one instead
      const users = await request(t.baseUrl, 'GET', '/api/access/users', { key: session });
      expect(users.status).to.equal(200);
      expect(users.body.users.map((u: { name: string }) => u.name)).to.include('rob').and.not.include('frank');
      // no key is handed out either: the host's key (it would pass every check of this kind) nor an app's
      const settingsKey = async () => (await request(t.baseUrl, 'GET', '/api/settings', { key: session })).body.api.key;
      expect(await settingsKey(), 'the host key in /api/settings').to.equal(null);
      const listed = await request(t.baseUrl, 'GET', '/api/plugin/appkeys', { key: session });
      expect(listed.status).to.equal(200);
      expect(listed.body.keys.length).to.be.greaterThan(0);
      for (const entry of listed.body.keys) expect(entry, 'an app key listed').to.not.have.property('api_key');
      for (const body of [{ command: 'generate', app: 'Stale' }, { command: 'revoke', app: 'Tests' }]) {
        const refused = await request(t.baseUrl, 'POST', '/api/plugin/appkeys', { key: session, body });
        expect([refused.status, refused.body.reauthenticate], body.command).to.deep.equal([403, true]);
      }
      // an API key is not asked: the key is the credential, sent with every request
      expect((await request(t.baseUrl, 'PUT', '/api/access/users/rob', { key: adminKey, body: { active: true } })).status).to.equal(200);
      // the password again, on the same session: it goes on
      auth.options.reauthenticationMs = configured;
      expect((await request(t.baseUrl, 'POST', '/api/login', { key: session, body: { user: 'alice', pass: 'wonderland' } })).body.session).to.equal(session);
      expect((await request(t.baseUrl, 'POST', '/api/access/users', { key: session, body: { name: 'frank', password: 'pw' } })).status).to.equal(200);
      expect((await request(t.baseUrl, 'DELETE', '/api/access/users/frank', { key: session })).status).to.equal(200);
      expect(await settingsKey()).to.equal(t.apiKey);
      expect((await request(t.baseUrl, 'GET', '/api/plugin/appkeys', { key: session })).body.keys[0]).to.have.property('api_key');
    } finally {
      auth.options.reauthenticationMs = configured;
    }
  });

  describe('application-key request flow', () => {
    /** The host writes a new request to appkeys-pending.yaml in the background, after answering: the CLI reads it there. */
    const written = (token: string) => waitFor(() => readFileSync(path.join(t.basedir, APPKEY_REQUESTS_FILE), { encoding: 'utf8', flag: 'a+' }).includes(token), 10000, `request ${token} in ${APPKEY_REQUESTS_FILE}`);

    /** Polls every 300 ms as an app does (a request dies a few seconds after its app stops polling); resolves with the first answer that is not 202. */
    const pollLikeAnApp = (token: string): Promise<Reply> =>
      new Promise((resolve) => {
        const timer = setInterval(async () => {
          const r = await request(t.baseUrl, 'GET', `/plugin/appkeys/request/${token}`);
          if (r.status !== 202) {
            clearInterval(timer);
            resolve(r);
          }
        }, 300);
      });

    it('probe, request, pending, approve by CLI, key once, then 404', async () => {
      expect((await request(t.baseUrl, 'GET', '/plugin/appkeys/probe')).status).to.equal(204);
      const req = await request(t.baseUrl, 'POST', '/plugin/appkeys/request', { body: { app: 'PrusaSlicer', user: 'alice' } });
      expect(req.status).to.equal(201);
      const token: string = req.body.app_token;
      expect((await request(t.baseUrl, 'GET', `/plugin/appkeys/request/${token}`)).status).to.equal(202);
      const answer = pollLikeAnApp(token);
      await written(token);
      const pending = await cli(['keys', 'pending', '--basedir', t.basedir]);
      expect(pending.stdout).to.contain(token).and.contain('PrusaSlicer');
      expect((await cli(['keys', 'approve', token, '--basedir', t.basedir])).code).to.equal(0);
      const done = await answer;
      expect(done.status).to.equal(200);
      expect(done.body.api_key).to.match(/^[A-Za-z0-9]{32}$/);
      expect((await request(t.baseUrl, 'GET', '/api/currentuser', { key: done.body.api_key })).body.name).to.equal('alice');
      expect((await request(t.baseUrl, 'GET', `/plugin/appkeys/request/${token}`)).status).to.equal(404);
    });

    it('approves over REST by user_token, as the auth dialog and OctoPrint’s UI do', async () => {
      const req = await request(t.baseUrl, 'POST', '/plugin/appkeys/request', { body: { app: 'Phone' } });
      const answer = pollLikeAnApp(req.body.app_token);
      expect(req.body.auth_dialog).to.equal(`${t.baseUrl}/plugin/appkeys/auth/${req.body.app_token}`);
      expect(req.headers.get('location')).to.equal(`${t.baseUrl}/plugin/appkeys/request/${req.body.app_token}`);
      const dialog = await fetch(req.body.auth_dialog);
      expect(dialog.status).to.equal(200);
      expect(await dialog.text()).to.contain('Phone').and.contain('/plugin/appkeys/decision/');
      const list = await request(t.baseUrl, 'GET', '/api/plugin/appkeys', { key: adminKey });
      const pending = list.body.pending.find((p: { app_id: string }) => p.app_id === 'Phone');
      expect(pending).to.include.keys('app_id', 'user_id', 'user_token');
      expect((await request(t.baseUrl, 'POST', `/plugin/appkeys/decision/${pending.user_token}`, { key: readonlyKey, body: { decision: true } })).status).to.equal(403);
      expect((await request(t.baseUrl, 'POST', `/plugin/appkeys/decision/${pending.user_token}`, { key: adminKey, body: { decision: true } })).status).to.equal(204);
      const key = (await answer).body.api_key;
      expect((await request(t.baseUrl, 'GET', '/api/currentuser', { key })).body.name).to.equal('alice');
      const one = await request(t.baseUrl, 'GET', '/api/plugin/appkeys?app=phone', { key: adminKey });
      expect(one.body).to.deep.equal({ api_key: key, app_id: 'Phone', user_id: 'alice' });
    });

    it('generates and revokes keys by app, one key per app and user', async () => {
      const first = await request(t.baseUrl, 'POST', '/api/plugin/appkeys', { key: adminKey, body: { command: 'generate', app: 'OctoApp' } });
      expect(first.body).to.include({ app_id: 'OctoApp', user_id: 'alice' });
      const second = await request(t.baseUrl, 'POST', '/api/plugin/appkeys', { key: adminKey, body: { command: 'generate', app: 'octoapp' } });
      expect((await request(t.baseUrl, 'GET', '/api/currentuser', { key: first.body.api_key })).status).to.equal(403);
      expect((await request(t.baseUrl, 'GET', '/api/currentuser', { key: second.body.api_key })).status).to.equal(200);
      expect((await request(t.baseUrl, 'POST', '/api/plugin/appkeys', { key: adminKey, body: { command: 'revoke', app: 'OctoApp' } })).status).to.equal(204);
      expect((await request(t.baseUrl, 'GET', '/api/currentuser', { key: second.body.api_key })).status).to.equal(403);
      expect((await request(t.baseUrl, 'POST', '/api/plugin/appkeys', { key: readonlyKey, body: { command: 'generate', app: 'x' } })).status).to.equal(403);
    });

    it('answers 404 after a denial', async () => {
      const token = (await request(t.baseUrl, 'POST', '/plugin/appkeys/request', { body: { app: 'Cura' } })).body.app_token;
      const answer = pollLikeAnApp(token);
      await written(token);
      expect((await cli(['keys', 'deny', token, '--basedir', t.basedir])).code).to.equal(0);
      expect((await answer).status).to.equal(404);
    });

    it('answers 404 once a request expired, and cannot approve it', async () => {
      const auth = t.get<AuthManager>(AuthManager);
      auth.options.appKeyRequestTtlMs = 150;
      const token = (await request(t.baseUrl, 'POST', '/plugin/appkeys/request', { body: { app: 'Slow app' } })).body.app_token;
      auth.options.appKeyRequestTtlMs = 300_000;
      expect((await request(t.baseUrl, 'GET', `/plugin/appkeys/request/${token}`)).status).to.equal(202);
      await waitFor(async () => (await request(t.baseUrl, 'GET', `/plugin/appkeys/request/${token}`)).status === 404, 5000, 'the expired request to answer 404');
      expect((await cli(['keys', 'approve', token, '--basedir', t.basedir])).code).to.equal(1);
    });

    it('refuses a request without an app name', async () => {
      expect((await request(t.baseUrl, 'POST', '/plugin/appkeys/request', { body: {} })).status).to.equal(400);
    });
  });
});
