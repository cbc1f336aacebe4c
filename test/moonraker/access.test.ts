/**
 * Who gets into Moonraker's websocket: cuttle's session cookie on the same origin (not from another
 * site's page), a one-shot token once, a trusted network only when configured, and a user's
 * permissions applied to each method (a read-only user cannot send G-code).
 */
import { expect } from 'chai';
import { AuthManager } from '../../core/auth/api.js';
import { SettingsService } from '../../core/settings/settings-service.js';
import { request } from '../clients/helpers.js';
import { waitFor } from '../support/wait.js';
import { RpcClient, startMoonrakerHost, type MoonrakerHost } from './support.js';

async function sessionCookie(h: MoonrakerHost, user: string, groups: string[]): Promise<string> {
  const added = await request(h.t.baseUrl, 'POST', '/api/access/users', { key: h.t.apiKey, body: { name: user, password: 'a-long-password', active: true, groups } });
  expect(added.status, JSON.stringify(added.body)).to.be.oneOf([200, 201]);
  const login = await request(h.t.baseUrl, 'POST', '/api/login', { body: { user, pass: 'a-long-password' } });
  const cookie = login.headers.get('set-cookie') ?? '';
  expect(cookie).to.match(/cuttle_session=/);
  return cookie.split(';')[0]!;
}

/**
 * 'accepted' when the socket acts as someone; 'signed out' when it was taken without a credential
 * (as Moonraker takes it: only a sign-in works, anything else is 401); `HTTP <status>` when refused.
 */
async function refusal(url: string, headers: Record<string, string> = {}): Promise<string> {
  let rpc: RpcClient;
  try {
    rpc = await RpcClient.open(url, headers);
  } catch (err) {
    return (err as Error).message;
  }
  try {
    const user = await rpc.call('access.get_user');
    if (user.error?.code === 401) return 'signed out';
    return user.error ? `error ${user.error.code}` : 'accepted';
  } finally {
    rpc.close();
  }
}

describe('moonraker: access', function () {
  this.timeout(20_000);
  let h: MoonrakerHost;
  let url: string;

  before(async () => {
    h = await startMoonrakerHost(['p1']);
    url = `ws://127.0.0.1:${h.ports['p1']}/websocket`;
  });
  after(async () => {
    await h?.stop();
  });

  it('takes the session cookie from the same origin, not from another site', async () => {
    const cookie = await sessionCookie(h, 'alice', ['users']);
    const same = await RpcClient.open(url, { Cookie: cookie, Origin: `http://127.0.0.1:${h.ports['p1']}` });
    expect((await same.result('access.get_user')).username).to.equal('alice');
    same.close();
    expect(await refusal(url, { Cookie: cookie, Origin: 'http://evil.example' })).to.equal('signed out');
    // a Host the page chose (DNS rebinding) is not the host's origin: the Origin is compared to requestOrigin's
    const evil = `evil.example:${h.ports['p1']}`;
    expect(await refusal(url, { Cookie: cookie, Host: evil, Origin: `http://${evil}` })).to.equal('signed out');
    // behind a trusted proxy, the origin it forwards is the same origin
    const main = `${h.t.baseUrl.replace('http', 'ws')}/websocket`;
    const proxied = { Cookie: cookie, Origin: 'https://printer.example', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'printer.example' };
    expect(await refusal(main, proxied)).to.equal('signed out');
    const settings = h.t.get<SettingsService>(SettingsService);
    settings.setMany([['server.trustedProxies', ['127.0.0.1/32']]]);
    try {
      expect(await refusal(main, proxied)).to.equal('accepted');
    } finally {
      settings.setMany([['server.trustedProxies', []]]);
    }
  });

  it('applies the user’s permissions to each method: read-only may read, not send G-code', async () => {
    const cookie = await sessionCookie(h, 'bob', ['readonly']);
    const rpc = await RpcClient.open(url, { Cookie: cookie });
    try {
      expect((await rpc.result('server.info')).klippy_connected).to.equal(true);
      expect((await rpc.call('printer.gcode.script', { script: 'G28' })).error!.code).to.equal(403);
    } finally {
      rpc.close();
    }
  });

  it('logs in with access.login (Fluidd’s way): the token opens the websocket and fetches a one-shot token; a wrong password is refused', async () => {
    await sessionCookie(h, 'carol', ['users']);
    const login = async (password: string) => fetch(`http://127.0.0.1:${h.ports['p1']}/access/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'carol', password }) });
    expect((await login('wrong-password')).status).to.equal(403);
    const ok = await login('a-long-password');
    const { token } = ((await ok.json()) as { result: { token: string } }).result;
    const rpc = await RpcClient.open(`${url}?access_token=${token}`);
    expect((await rpc.result('access.get_user')).username).to.equal('carol');
    rpc.close();
    const oneshot = await fetch(`http://127.0.0.1:${h.ports['p1']}/access/oneshot_token`, { headers: { Authorization: `Bearer ${token}` } });
    const once = ((await oneshot.json()) as { result: string }).result;
    (await RpcClient.open(`${url}?token=${once}`)).close();
    expect(await refusal(`${url}?access_token=${token.slice(0, -4)}AAAA`)).to.equal('signed out');
  });

  it('answers the login with Moonraker’s JWTs: refreshed, expiring, taken by identify, ended by access.logout', async () => {
    await sessionCookie(h, 'dave', ['users']);
    const base = `http://127.0.0.1:${h.ports['p1']}`;
    const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
      return { status: res.status, result: ((await res.json()) as { result: any }).result };
    };
    const settings = h.t.get<SettingsService>(SettingsService);
    settings.setMany([['moonraker.tokenLifetime', 1]]);
    let login: { status: number; result: any };
    try {
      login = await post('/access/login', { username: 'dave', password: 'a-long-password' });
    } finally {
      settings.setMany([['moonraker.tokenLifetime', 3600]]);
    }
    const { token, refresh_token: refreshToken } = login.result;
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    expect(claims).to.include({ username: 'dave', token_type: 'access' });
    expect(claims.exp - claims.iat).to.equal(1);
    // past its exp the token opens nothing; the refresh token gets a new one
    await waitFor(async () => (await refusal(`${url}?access_token=${token}`)) === 'signed out', 5000, 'the access token expired');
    expect((await post('/access/refresh_jwt', { refresh_token: token })).status).to.equal(401);
    const refreshed = await post('/access/refresh_jwt', { refresh_token: refreshToken });
    expect(refreshed.result).to.include({ username: 'dave', action: 'user_jwt_refresh' });
    // identify with the token: a connection opened with the API key acts as dave from then on
    const rpc = await RpcClient.open(url, { 'X-Api-Key': h.t.apiKey });
    try {
      const identity = { client_name: 'test', version: '1', type: 'web', url: 'x' };
      expect((await rpc.call('server.connection.identify', { ...identity, access_token: token })).error!.code).to.equal(401);
      await rpc.result('server.connection.identify', { ...identity, access_token: refreshed.result.token });
      expect((await rpc.result('access.get_user')).username).to.equal('dave');
      expect((await rpc.result('access.refresh_jwt', { refresh_token: refreshToken })).username).to.equal('dave');
      expect(await rpc.result('access.logout')).to.deep.equal({ username: 'dave', action: 'user_logged_out' });
      await waitFor(() => rpc.ws.readyState === rpc.ws.CLOSED, 5000, 'the socket on the ended session closed');
    } finally {
      rpc.close();
    }
    expect(await refusal(`${url}?access_token=${refreshed.result.token}`)).to.equal('signed out');
    expect((await post('/access/refresh_jwt', { refresh_token: refreshToken })).status).to.equal(401);
    // identify with an API key: a connection opened with a login's token acts as the key's owner
    const again = (await post('/access/login', { username: 'dave', password: 'a-long-password' })).result.token;
    const byKey = await RpcClient.open(`${url}?access_token=${again}`);
    try {
      await byKey.result('server.connection.identify', { client_name: 'test', version: '1', type: 'web', url: 'x', api_key: h.t.apiKey });
      expect((await byKey.result('access.get_user')).username).to.not.equal('dave');
      expect((await post('/access/logout', {}, { Authorization: `Bearer ${again}` })).result).to.deep.equal({ username: 'dave', action: 'user_logged_out' });
    } finally {
      byKey.close();
    }
    // access.login over the websocket: the connection acts as the user from then on
    const socket = await RpcClient.open(url, { 'X-Api-Key': h.t.apiKey });
    try {
      expect((await socket.call('access.login', { username: 'dave', password: 'wrong-password' })).error!.code).to.equal(403);
      const logged = await socket.result('access.login', { username: 'dave', password: 'a-long-password' });
      expect(logged).to.include({ username: 'dave', action: 'user_logged_in' });
      expect((await socket.result('access.get_user')).username).to.equal('dave');
      (await RpcClient.open(`${url}?access_token=${logged.token}`)).close();
    } finally {
      socket.close();
    }
  });

  it('gives the host key (access.get_api_key) to an admin only while the password entered at login is recent', async () => {
    await sessionCookie(h, 'gina', ['admins']);
    const login = await fetch(`http://127.0.0.1:${h.ports['p1']}/access/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'gina', password: 'a-long-password' }) });
    const { token } = ((await login.json()) as { result: { token: string } }).result;
    const rpc = await RpcClient.open(`${url}?access_token=${token}`);
    const auth = h.t.get<AuthManager>(AuthManager);
    const configured = auth.options.reauthenticationMs;
    try {
      expect(await rpc.result('access.get_api_key')).to.equal(h.t.apiKey);
      auth.options.reauthenticationMs = 1;
      await waitFor(async () => (await rpc.call('access.get_api_key')).error?.code === 403, 5000, 'the key refused to a stale login');
    } finally {
      auth.options.reauthenticationMs = configured;
      rpc.close();
    }
  });

  it('takes a socket without a credential signed out, as Moonraker does: 401 but for the sign-in, no notification, then Fluidd’s login on that socket', async () => {
    await sessionCookie(h, 'fiona', ['users']);
    const rpc = await RpcClient.open(url);
    try {
      const identity = { client_name: 'fluidd', version: '1', type: 'web', url: 'x' };
      expect((await rpc.call('server.connection.identify', identity)).error).to.deep.equal({ code: 401, message: 'Unauthorized' });
      for (const method of ['printer.info', 'printer.objects.list', 'server.files.list', 'server.database.list', 'access.oneshot_token']) {
        expect((await rpc.call(method)).error?.code, method).to.equal(401);
      }
      expect((await rpc.call('printer.gcode.script', { script: 'M104 S200' })).error?.code).to.equal(401);
      expect((await rpc.result('access.info')).login_required).to.equal(true);
      expect((await rpc.call('access.login', { username: 'fiona', password: 'wrong-password' })).error?.code).to.equal(403);
      // nothing of the printer reached it meanwhile: no console line, no status, no proc stats
      expect(rpc.messages.filter((m) => m.method !== undefined)).to.deep.equal([]);
      const login = await rpc.result('access.login', { username: 'fiona', password: 'a-long-password' });
      expect(login.username).to.equal('fiona');
      expect((await rpc.result('server.connection.identify', { ...identity, access_token: login.token })).connection_id).to.be.a('number');
      expect((await rpc.result('printer.info')).state).to.be.a('string');
      await waitFor(() => rpc.messages.some((m) => m.method === 'notify_proc_stat_update'), 5000, 'notifications once signed in');
    } finally {
      rpc.close();
    }
  });

  it('caps what a signed-out socket may cost: 32 at once, then 503; a message over 16 kB closes it', async () => {
    const open: RpcClient[] = [];
    try {
      while (open.length < 32) open.push(await RpcClient.open(url));
      expect(await refusal(url)).to.equal('HTTP 503');
      expect(await refusal(url, { 'X-Api-Key': h.t.apiKey }), 'a key still gets in').to.equal('accepted');
      const closed = new Promise<number>((resolve) => open[0]!.ws.once('close', (code) => resolve(code)));
      open[0]!.ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'access.login', params: { username: 'x'.repeat(20_000), password: 'y' } }));
      expect(await closed).to.equal(1009);
      await waitFor(async () => (await refusal(url)) === 'signed out', 5000, 'a place freed by the closed socket');
    } finally {
      for (const rpc of open) rpc.close();
    }
  });

  it('lets a one-shot token in once', async () => {
    const rpc = await RpcClient.open(url, { 'X-Api-Key': h.t.apiKey });
    const token = (await rpc.result('access.oneshot_token')) as string;
    rpc.close();
    const first = await RpcClient.open(`${url}?token=${token}`);
    first.close();
    expect(await refusal(`${url}?token=${token}`)).to.equal('signed out');
  });

  it('lets a trusted network in only once it is configured', async () => {
    expect(await refusal(url)).to.equal('signed out');
    h.t.get<SettingsService>(SettingsService).setMany([['moonraker.trustedClients', ['127.0.0.0/8']]]);
    const trusted = await RpcClient.open(url);
    try {
      expect((await trusted.result('access.get_user')).username).to.equal('_trusted');
    } finally {
      trusted.close();
    }
    // not for another site's page in a browser on that network
    expect(await refusal(url, { Origin: 'http://evil.example' })).to.equal('signed out');
    expect(await refusal(url, { Host: `evil.example:${h.ports['p1']}`, Origin: `http://evil.example:${h.ports['p1']}` })).to.equal('signed out');
    // behind a trusted proxy, the address it forwards decides, not the proxy's own
    const settings = h.t.get<SettingsService>(SettingsService);
    settings.setMany([['server.trustedProxies', ['127.0.0.1/32']]]);
    expect(await refusal(url)).to.equal('signed out');
    expect(await refusal(url, { 'X-Forwarded-For': '10.1.2.3' })).to.equal('signed out');
    expect(await refusal(url, { 'X-Forwarded-For': '10.1.2.3, 127.0.0.9' })).to.equal('accepted');
    settings.setMany([['server.trustedProxies', []]]);
    h.t.get<SettingsService>(SettingsService).setMany([['moonraker.trustedClients', ['10.0.0.0/8']]]);
    expect(await refusal(url)).to.equal('signed out');
  });
});
