/**
 * Adding, changing and removing printers over REST while the host runs: POST/PATCH/DELETE
 * /api/printers, the printer's surface appearing and answering 404 once removed, bad bodies refused
 * with the key named and nothing changed, config.yaml saved in order with its comments, and two
 * POSTs of one id at once.
 */
import { expect } from 'chai';
import { AuthManager } from '../../core/auth/api.js';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import { api, type Api } from '../api/support.js';
import type { TestHost } from '../support/host.js';
import { configText, FAST_SERIAL_YAML, savedPrinters, startHostFromText } from './support.js';
import { waitFor } from '../support/wait.js';

const FARM_YAML = `# the farm in the workshop
printers:
  # by the window
  - id: p1
    name: Left Prusa # the MK3
    connection: { port: virtual, baudrate: 115200, autoconnect: true }
    profile: _default
  # the one that jams
  - id: p2
    name: Right Ender
    connection:
      port: virtual # for now
      baudrate: 115200
      autoconnect: false
    profile: _default
# the simulator, fast
${FAST_SERIAL_YAML}`;

describe('printers over REST: POST, PATCH and DELETE /api/printers', function () {
  this.timeout(40000);
  let t: TestHost;
  let call: Api;
  let registry: PrinterRegistry;

  beforeEach(async () => {
    t = await startHostFromText(FARM_YAML);
    call = api(t);
    registry = t.get<PrinterRegistry>(PrinterRegistry);
  });
  afterEach(() => t?.stop());

  it('adds a printer: 201 with the entry as listed and its Location, serves it at /printer/<id>/, saves it last, keeping comments', async () => {
    const r = await call('POST', '/api/printers', { body: { id: 'p3', name: 'Spare', connection: { port: 'virtual', autoconnect: true } } });
    expect(r.status).to.equal(201);
    expect(r.headers.get('location')).to.equal(`${t.baseUrl}/api/printers/p3`);
    expect(r.json).to.include({ id: 'p3', name: 'Spare', baseUrl: `${t.baseUrl}/printer/p3/`, listen: null });
    await waitFor(async () => (await call('GET', '/printer/p3/api/connection')).json.current.state === 'Operational');
    const listed = (await call('GET', '/api/printers')).json.printers;
    expect(listed.map((p: { id: string }) => p.id)).to.deep.equal(['p1', 'p2', 'p3']);
    expect((await call('GET', '/printer/p3/api/job')).status).to.equal(200);

    expect(savedPrinters(t.basedir)).to.deep.equal([
      { id: 'p1', name: 'Left Prusa', connection: { port: 'virtual', baudrate: 115200, autoconnect: true }, profile: '_default' },
      { id: 'p2', name: 'Right Ender', connection: { port: 'virtual', baudrate: 115200, autoconnect: false }, profile: '_default' },
      { id: 'p3', name: 'Spare', connection: { port: 'virtual', baudrate: 115200, autoconnect: true }, profile: '_default' },
    ]);
    const text = configText(t.basedir);
    for (const comment of ['# the farm in the workshop', '# by the window', '# the MK3', '# the one that jams', '# for now', '# the simulator, fast']) {
      expect(text, comment).to.include(comment);
    }
    expect(text).to.include('connection: { port: virtual, baudrate: 115200, autoconnect: true }');
  });

  it('changes a printer by merging the body into its entry; its id cannot change', async () => {
    const r = await call('PATCH', '/api/printers/p2', { body: { name: 'Right Ender 3', connection: { baudrate: 250000 }, listen: null } });
    expect(r.status).to.equal(200);
    expect(r.json).to.include({ id: 'p2', name: 'Right Ender 3' });
    expect(registry.get('p2')!.entry.connection).to.deep.equal({ port: 'virtual', baudrate: 250000, autoconnect: false });
    expect(savedPrinters(t.basedir)[1]).to.deep.equal({ id: 'p2', name: 'Right Ender 3', connection: { port: 'virtual', baudrate: 250000, autoconnect: false }, profile: '_default' });
    expect(configText(t.basedir)).to.include('port: virtual # for now');

    const renamed = await call('PATCH', '/api/printers/p2', { body: { id: 'p9' } });
    expect(renamed.status).to.equal(400);
    expect(renamed.json.error).to.include('"id"');
    expect((await call('PATCH', '/api/printers/p2', { body: { id: 'p2', name: 'Same id is fine' } })).status).to.equal(200);
    expect((await call('PATCH', '/api/printers/nope', { body: { name: 'x' } })).status).to.equal(404);
  });

  it('removes a printer: 204, then /printer/<id>/… and /api/printers/<id> answer 404, and config.yaml keeps the others in order', async () => {
    expect((await call('GET', '/printer/p1/api/job')).status).to.equal(200);
    const r = await call('DELETE', '/api/printers/p1');
    expect(r.status).to.equal(204);
    for (const path of ['/printer/p1/api/job', '/printer/p1/api/connection', '/printer/p1/', '/api/printers/p1']) {
      expect((await call('GET', path)).status, path).to.equal(404);
    }
    expect((await call('POST', '/printer/p1/api/job', { body: { command: 'start' } })).status).to.equal(404);
    expect((await call('DELETE', '/api/printers/p1')).status).to.equal(404);
    expect(registry.list().map((s) => s.id)).to.deep.equal(['p2']);
    expect(savedPrinters(t.basedir).map((p) => p.id)).to.deep.equal(['p2']);
    expect(configText(t.basedir)).to.include('port: virtual # for now');
    // the root is now the first remaining printer's
    expect((await call('GET', '/api/connection')).json.current.state).to.equal('Offline');
  });

  it('refuses bad bodies with a 400 naming the key, a used id or listen port with 409, and changes nothing', async () => {
    const before = configText(t.basedir);
    const cases: [string, string, unknown, number, string][] = [
      ['POST', '/api/printers', '{"id": "p3",', 400, 'JSON'],
      ['POST', '/api/printers', '[{"id": "p3"}]', 400, 'JSON object'],
      ['POST', '/api/printers', { id: 'Bad Id' }, 400, '"id"'],
      ['POST', '/api/printers', { name: 'no id' }, 400, '"id"'],
      ['POST', '/api/printers', { id: 'p3', colour: 'red' }, 400, '"colour"'],
      ['POST', '/api/printers', { id: 'p3', connection: { baudrate: 'fast' } }, 400, '"connection.baudrate"'],
      ['POST', '/api/printers', { id: 'p3', connection: { autoconnect: 'yes' } }, 400, '"connection.autoconnect"'],
      ['POST', '/api/printers', { id: 'p3', connection: 'virtual' }, 400, '"connection"'],
      ['POST', '/api/printers', { id: 'p3', listen: 70000 }, 400, '"listen"'],
      ['POST', '/api/printers', { id: 'p3', name: '' }, 400, '"name"'],
      ['POST', '/api/printers', { id: 'p1' }, 409, '"p1"'],
      ['PATCH', '/api/printers/p2', { connection: 'virtual' }, 400, '"connection"'],
      ['PATCH', '/api/printers/p2', { connection: { speed: 3 } }, 400, '"connection.speed"'],
      ['PATCH', '/api/printers/p2', { profile: 7 }, 400, '"profile"'],
    ];
    for (const [method, path, body, status, named] of cases) {
      const r = await call(method, path, typeof body === 'string' ? { body, headers: { 'Content-Type': 'application/json' } } : { body });
      expect(r.status, `${method} ${JSON.stringify(body)}`).to.equal(status);
      expect(r.json.error, `${method} ${JSON.stringify(body)}`).to.include(named);
    }
    const mainPort = Number(new URL(t.baseUrl).port);
    const clash = await call('POST', '/api/printers', { body: { id: 'p3', listen: mainPort } });
    expect(clash.status).to.equal(409);
    expect(clash.json.error).to.include('main port');
    const huge = await call('POST', '/api/printers', { body: `{"id":"p3","name":"${'x'.repeat(5 * 1024 * 1024)}"}`, headers: { 'Content-Type': 'application/json' } });
    expect(huge.status).to.equal(413);
    expect(registry.list().map((s) => s.id)).to.deep.equal(['p1', 'p2']);
    expect(registry.get('p2')!.entry.connection.port).to.equal('virtual');
    expect(configText(t.basedir)).to.equal(before);
  });

  it('lets only an admin change printers', async () => {
    const auth = t.get<AuthManager>(AuthManager);
    await auth.users.add('operator', { groups: ['users'] });
    const key = auth.users.addKey('operator', 'farm');
    expect((await call('GET', '/api/printers', { key })).status).to.equal(200);
    expect((await call('POST', '/api/printers', { key, body: { id: 'p3' } })).status).to.equal(403);
    expect((await call('PATCH', '/api/printers/p1', { key, body: { name: 'x' } })).status).to.equal(403);
    expect((await call('DELETE', '/api/printers/p1', { key })).status).to.equal(403);
    expect(registry.list().map((s) => s.id)).to.deep.equal(['p1', 'p2']);
  });

  it('answers two POSTs of one id at once with exactly one 201 and one 409, and saves it once', async () => {
    for (const id of ['p3', 'p4', 'p5']) {
      const answers = await Promise.all([1, 2].map((n) => call('POST', '/api/printers', { body: { id, name: `${id} from request ${n}` } })));
      expect(answers.map((a) => a.status).sort()).to.deep.equal([201, 409]);
    }
    // and different ids at once all land, each once
    const many = await Promise.all(['q1', 'q2', 'q3', 'q4'].map((id) => call('POST', '/api/printers', { body: { id } })));
    expect(many.map((a) => a.status)).to.deep.equal([201, 201, 201, 201]);
    const saved = savedPrinters(t.basedir).map((p) => p.id);
    expect(saved.slice(0, 5)).to.deep.equal(['p1', 'p2', 'p3', 'p4', 'p5']);
    expect([...saved.slice(5)].sort()).to.deep.equal(['q1', 'q2', 'q3', 'q4']);
    expect(registry.list().map((s) => s.id)).to.deep.equal(saved);
  });
});
