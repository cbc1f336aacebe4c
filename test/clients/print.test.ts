/**
 * OctoPrint clients during a real simulated print: a sockjs-client (websocket and xhr-streaming) and
 * a plain ws client, each logged in with a user's application key, go connected → auth → history →
 * current (Printing, with progress) → PrintStarted … PrintDone events; a read-only key watches the
 * same print but is refused starting one.
 */
import { expect } from 'chai';
import { AuthManager } from '../../core/auth/api.js';
import { PrinterService } from '../../core/printer/printer-service.js';
import { api, startApiHost, uploadForm } from '../api/support.js';
import { fastSerial } from '../printer/helpers.js';
import type { TestHost } from '../support/host.js';
import { request } from './helpers.js';
import { openPushClient, type TestPushClient } from './push-clients.js';
import { keyHeaders } from '../support/http.js';
import { waitFor } from '../support/wait.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';

const GCODE = ['G21', 'G90', 'M82', 'G28', 'G1 Z0.2 F600', ...Array.from({ length: 120 }, (_, i) => `G1 X${(i % 2) * 50} Y${i} E${i + 1} F3000`), ''].join('\n');

describe('clients: push during a simulated print', function () {
  this.timeout(30_000);
  let t: TestHost;
  let printer: PrinterService;
  const clients: TestPushClient[] = [];

  before(async () => {
    t = await startApiHost({ config: { ...fastSerial({ motion: true, speedFactor: 20 }), push: { rateHz: 5 } } });
    printer = t.get<PrinterRegistry>(PrinterRegistry).first()!.printer;
  });
  after(async () => {
    for (const c of clients) c.close();
    await printer?.disconnect().catch(() => undefined);
    await t?.stop();
  });

  it('streams connected → auth → history → current → events of the print to SockJS and ws clients', async () => {
    const auth = t.get<AuthManager>(AuthManager);
    await auth.users.add('pat', { groups: ['users'] });
    await auth.users.add('ro', { groups: ['readonly'] });
    const userKey = auth.users.addKey('pat', 'OctoApp');
    const readonlyKey = auth.users.addKey('ro', 'Dashboard');
    const call = api(t);
    expect((await call('POST', '/api/connection', { key: userKey, body: { command: 'connect', port: 'virtual' } })).status).to.equal(204);
    await waitFor(() => printer.state.id === 'OPERATIONAL');

    for (const [kind, key] of [['sockjs-websocket', userKey], ['sockjs-xhr-streaming', userKey], ['raw', readonlyKey]] as const) {
      const c = await openPushClient(t.baseUrl, kind);
      clients.push(c);
      await c.next('connected');
      const login = await request(t.baseUrl, 'POST', '/api/login', { key, body: { passive: true } });
      c.send({ auth: `${login.body.name}:${login.body.session}` });
      await c.next('history');
    }
    const form = uploadForm('clients.gcode', GCODE, { print: 'true' });
    expect((await fetch(`${t.baseUrl}/api/files/local`, { method: 'POST', headers: keyHeaders(readonlyKey), body: uploadForm('no.gcode', GCODE, { print: 'true' }) })).status).to.equal(403);
    const up = await fetch(`${t.baseUrl}/api/files/local`, { method: 'POST', headers: keyHeaders(userKey), body: form });
    expect(up.status).to.equal(201);
    expect((await call('POST', '/api/job', { key: readonlyKey, body: { command: 'cancel' } })).status).to.equal(403);

    for (const c of clients) {
      const started = c.messages.find((m) => m.type === 'event' && m.data.type === 'PrintStarted') ?? (await waitFor(() => c.messages.find((m) => m.type === 'event' && m.data.type === 'PrintStarted'), 15_000));
      expect(started.data.payload).to.include({ name: 'clients.gcode', origin: 'local' });
      const printing = await waitFor(() => c.messages.find((m) => m.type === 'current' && m.data.state.text === 'Printing'), 15_000);
      expect(printing.data.job.file).to.include({ name: 'clients.gcode' });
      expect(printing.data.progress).to.include.keys('completion', 'filepos', 'printTime');
      expect(printing.data.busyFiles).to.deep.equal([{ origin: 'local', path: 'clients.gcode' }]);
    }
    for (const c of clients) {
      const done = await waitFor(() => c.messages.find((m) => m.type === 'event' && m.data.type === 'PrintDone'), 20_000);
      expect(done.data.payload).to.include({ name: 'clients.gcode' });
    }
    // everyone saw the same events of the print, in the same order
    const seqOf = (c: TestPushClient, type: string) => c.messages.find((m) => m.type === 'event' && m.data.type === type)!.data.seq as number;
    const from = seqOf(clients[0]!, 'PrintStarted');
    const to = seqOf(clients[0]!, 'PrintDone');
    const window = (c: TestPushClient) => c.messages.filter((m) => m.type === 'event' && m.data.seq >= from && m.data.seq <= to).map((m) => `${m.data.seq}:${m.data.type}`);
    for (const c of clients) expect(window(c)).to.deep.equal(window(clients[0]!));
  });
});
