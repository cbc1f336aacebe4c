/**
 * Issue 22's bad-input rules beyond protocol.test.ts: malformed requests inside a batch, batch sizes
 * at and over the cap, non-object params, mistyped parameters of other methods, paths outside the
 * storage through the files methods and the HTTP download and upload: each answered with a JSON-RPC
 * error (or a 4xx over HTTP) while the websocket stays open, and nothing written outside the storage.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { WebSocket } from 'ws';
import { MoonrakerDatabase } from '../../core/moonraker/database-store.js';
import { MAX_BATCH } from '../../core/moonraker/rpc.js';
import { waitFor } from '../support/wait.js';
import { RpcClient, startMoonrakerHost, type MoonrakerHost, type RpcMessage } from './support.js';

/** a folder name no other run uses, so its absence means this run wrote nothing there */
const ESCAPED = `escaped-${process.pid}`;

/** GET with the path sent exactly as written (fetch would resolve its dot segments first). */
function rawGet(port: number, rawPath: string, key: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: rawPath, headers: { 'X-Api-Key': key } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      })
      .on('error', reject);
  });
}

describe('moonraker: bad input (more cases)', function () {
  this.timeout(30_000);
  let h: MoonrakerHost;
  let rpc: RpcClient;
  let port: number;

  before(async () => {
    h = await startMoonrakerHost(['p1']);
    port = h.ports['p1']!;
    await h.printer('p1').connect();
    rpc = await RpcClient.open(`ws://127.0.0.1:${port}/websocket`, { 'X-Api-Key': h.t.apiKey });
  });
  afterEach(async () => {
    // the rule every case shares: the connection is still open and still answers
    expect(rpc.ws.readyState).to.equal(WebSocket.OPEN);
    expect((await rpc.result('server.info')).klippy_state).to.be.a('string');
  });
  after(async () => {
    rpc?.close();
    await h?.stop();
  });

  /** Where an escape would land: the storage is <basedir>/uploads, one `..` reaches the basedir (config.yaml, with the key), two its parent. */
  const escapes = () => [path.join(h.t.basedir, ESCAPED), path.join(path.dirname(h.t.basedir), ESCAPED)];

  /** Sends a batch and waits for the array answering it (the one holding `lastId`). */
  async function batch(items: unknown[], lastId: number | string): Promise<RpcMessage[]> {
    const seen = rpc.messages.length;
    rpc.ws.send(JSON.stringify(items));
    await waitFor(() => rpc.messages.slice(seen).some((m) => m.id === lastId), 10_000, `the batch's answer ${lastId}`);
    return rpc.messages.slice(seen);
  }

  it('answers each malformed request of a batch with its own error, in order', async () => {
    const answers = await batch(
      [
        'not a request',
        42,
        {},
        { jsonrpc: '1.0', method: 'server.info', id: 'v' },
        { jsonrpc: '2.0', method: 7, id: 'm' },
        { jsonrpc: '2.0', method: 'server.info', id: { nested: true } },
        { jsonrpc: '2.0', method: 'no.such.method', id: 'u' },
        { jsonrpc: '2.0', method: 'printer.gcode.script', params: { script: ['G28'] }, id: 't' },
        { jsonrpc: '2.0', method: 'server.info', params: 'not an object', id: 'p' },
        { jsonrpc: '2.0', method: 'server.info', id: 'ok' },
      ],
      'ok',
    );
    expect(answers.map((m) => m.error?.code ?? 'result')).to.deep.equal([-32600, -32600, -32600, -32600, -32600, -32600, -32601, -32602, -32602, 'result']);
    expect(answers.map((m) => m.id)).to.deep.equal([null, null, null, 'v', 'm', null, 'u', 't', 'p', 'ok']);
  });

  it('refuses an empty batch, a scalar message and a binary frame with an error', async () => {
    expect((await rpc.raw('[]', null)).error!.code).to.equal(-32600);
    expect((await rpc.raw('42', null)).error!.code).to.equal(-32600);
    const seen = rpc.messages.length;
    rpc.ws.send(Buffer.from('{"jsonrpc":"2.0","method":"server.info","id":1}'), { binary: true });
    const answer = await waitFor(() => rpc.messages.slice(seen).find((m) => m.error), 5000, 'the binary frame refused');
    expect(answer.error!.code).to.equal(-32700);
  });

  it('answers a batch at the cap in full, and one over it with one error (10 000 too)', async () => {
    const at = await batch(Array.from({ length: MAX_BATCH }, (_, i) => ({ jsonrpc: '2.0', method: 'printer.info', id: i })), MAX_BATCH - 1);
    expect(at).to.have.length(MAX_BATCH);
    expect(at.every((m, i) => m.id === i && m.result !== undefined)).to.equal(true);
    for (const size of [MAX_BATCH + 1, 10_000]) {
      const over = await rpc.raw(JSON.stringify(Array.from({ length: size }, (_, i) => ({ jsonrpc: '2.0', method: 'no.such.method', id: i }))), null);
      expect(over.error!.code).to.equal(-32600);
    }
  });

  it('answers every one of 5 000 calls sent at once, each with its own id', async () => {
    const seen = rpc.messages.length;
    const ids = Array.from({ length: 5000 }, (_, i) => `flood-${i}`);
    for (const id of ids) rpc.ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'printer.info', id }));
    await waitFor(() => rpc.messages.slice(seen).some((m) => m.id === ids.at(-1)), 20_000, 'the last call answered');
    const answers = rpc.messages.slice(seen).filter((m) => m.id !== undefined);
    expect(answers.filter((m) => m.error).map((m) => m.error!.message)).to.deep.equal([]);
    expect(new Set(answers.map((m) => m.id))).to.deep.equal(new Set(ids));
  });

  it('drops a client that leaves its answers unread past the cap, and serves the others', async () => {
    const idle = await RpcClient.open(`ws://127.0.0.1:${port}/websocket`, { 'X-Api-Key': h.t.apiKey });
    idle.ws.on('error', () => undefined);
    const count = async () => (await rpc.result('server.info')).websocket_count as number;
    const before = await count();
    idle.ws.pause();
    // about 2.4 MB of answers per message of 100 kB; 20 of them are well past the 16 MiB cap and the sockets' buffers
    const configfile = { objects: { configfile: null } };
    const batchText = JSON.stringify(Array.from({ length: 1000 }, (_, i) => ({ jsonrpc: '2.0', method: 'printer.objects.query', params: configfile, id: i })));
    let sent = 0;
    await waitFor(
      async () => {
        if (sent < 20 && idle.ws.readyState === WebSocket.OPEN) (sent++, idle.ws.send(batchText));
        return (await count()) < before;
      },
      20_000,
      'the client that does not read dropped',
    );
    idle.ws.terminate();
  });

  it('drops a socket not signed in that leaves its answers unread, long before a signed-in one would be', async () => {
    const idle = await RpcClient.open(`ws://127.0.0.1:${port}/websocket`);
    idle.ws.on('error', () => undefined);
    const count = async () => (await rpc.result('server.info')).websocket_count as number;
    const before = await count();
    idle.ws.pause();
    // some 45 kB of answers per message under the 16 kB cap of a socket not signed in; 300 of them (13 MB) stay
    // under a signed-in socket's 16 MiB cap, and far over a signed-out one's with the sockets' own buffers
    const batchText = JSON.stringify(Array.from({ length: 250 }, (_, i) => ({ jsonrpc: '2.0', method: 'access.info', id: i })));
    let sent = 0;
    await waitFor(
      async () => {
        for (let i = 0; i < 20 && sent < 300 && idle.ws.readyState === WebSocket.OPEN; i++) (sent++, idle.ws.send(batchText));
        return (await count()) < before;
      },
      20_000,
      'the socket not signed in dropped',
    );
    idle.ws.terminate();
  });

  it('runs another client\'s call while a batch of 1 000 calls runs, not after it', async () => {
    const other = await RpcClient.open(`ws://127.0.0.1:${port}/websocket`, { 'X-Api-Key': h.t.apiKey });
    await rpc.result('server.database.post_item', { namespace: 'turns', key: 'flag', value: 'before' });
    const db = h.t.host.get(MoonrakerDatabase);
    // the first call marks the start; the others read a value the other client changes meanwhile
    const first = { jsonrpc: '2.0', method: 'server.database.post_item', params: { namespace: 'turns', key: 'started', value: true }, id: 'turns-start' };
    const reads = Array.from({ length: MAX_BATCH - 1 }, (_, i) => ({ jsonrpc: '2.0', method: 'server.database.get_item', params: { namespace: 'turns', key: 'flag' }, id: `turns-${i}` }));
    const answers = batch([first, ...reads], `turns-${MAX_BATCH - 2}`);
    // this test shares the host's event loop: it sees the batch under way only if the batch lets the loop turn
    await waitFor(() => db.namespaces('p1').includes('turns') && (db.get('p1', 'turns') as Record<string, unknown>)['started'], 20_000, 'the batch started');
    expect((await other.call('server.database.post_item', { namespace: 'turns', key: 'flag', value: 'after' })).result).to.not.equal(undefined);
    other.close();
    const values = (await answers).filter((m) => String(m.id).startsWith('turns-') && m.id !== 'turns-start').map((m) => m.result.value as string);
    expect(values).to.have.length(MAX_BATCH - 1);
    expect(values.at(-1), 'the last read of the batch').to.equal('after');
  });

  it('answers -32602 to params null, and nothing to a JSON-RPC response, as Moonraker does', async () => {
    expect((await rpc.raw(JSON.stringify({ jsonrpc: '2.0', method: 'server.info', params: null, id: 'n' }), 'n')).error!.code).to.equal(-32602);
    const seen = rpc.messages.length;
    rpc.ws.send(JSON.stringify({ jsonrpc: '2.0', result: 'ok', id: 'r' }));
    rpc.ws.send(JSON.stringify({ jsonrpc: '2.0', error: { code: -1, message: 'x' }, id: 7 }));
    expect((await rpc.result('server.info')).klippy_state).to.be.a('string');
    expect(rpc.messages.slice(seen).filter((m) => m.error || m.id === 'r' || m.id === 7)).to.deep.equal([]);
  });

  it('answers nothing to a notification of an unknown method, and the next call normally', async () => {
    const seen = rpc.messages.length;
    rpc.ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'no.such.method' }));
    expect((await rpc.result('server.info')).klippy_state).to.be.a('string');
    expect(rpc.messages.slice(seen).filter((m) => m.id === null || m.error)).to.deep.equal([]);
  });

  it('refuses a message nested 10 000 levels deep as a parse error, logging no failure, and stores a value 20 deep', async () => {
    const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const deep = await rpc.raw(`{"jsonrpc":"2.0","method":"server.database.post_item","id":"deep","params":{"namespace":"deep","key":"k","value":${nested(10_000)}}}`, null);
    expect(deep.error!.code).to.equal(-32700);
    expect(h.t.logs.filter((l) => l.level >= 50).map((l) => l.msg)).to.deep.equal([]);
    const stored = await rpc.call('server.database.post_item', { namespace: 'deep', key: 'k', value: JSON.parse(nested(20)) });
    expect(stored.result?.value).to.deep.equal(JSON.parse(nested(20)));
  });

  it('refuses mistyped parameters of other methods with -32602', async () => {
    const calls: [string, object][] = [
      ['server.database.get_item', { namespace: 5 }],
      ['server.database.post_item', { namespace: ['a'], key: 'k', value: 1 }],
      ['server.files.metadata', { filename: 5 }],
      ['server.files.get_directory', { path: { root: 'gcodes' } }],
      ['server.files.move', { source: 'gcodes/a.gcode', dest: 7 }],
      ['printer.objects.subscribe', { objects: ['toolhead'] }],
      ['printer.objects.subscribe', { objects: Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`object${i}`, null])) }],
      ['printer.objects.query', { objects: { toolhead: Array.from({ length: 100_000 }, (_, i) => `field${i}`) } }],
      ['server.gcode_store', { count: 'many' }],
    ];
    for (const [method, params] of calls) {
      const answer = await rpc.call(method, params);
      expect(answer.error?.code, `${method} ${JSON.stringify(params).slice(0, 200)}`).to.equal(-32602);
    }
  });

  it('answers out-of-range counts and offsets with what fits, over the websocket and HTTP, never a 500', async () => {
    for (const params of [{ start: 1e20 }, { limit: 1e300, start: 1e300 }, { limit: -5, start: -5 }, { start: 2.5 }]) {
      const answer = await rpc.call('server.history.list', params);
      expect(answer.result?.jobs, JSON.stringify(params)).to.be.an('array');
    }
    expect((await rpc.call('server.gcode_store', { count: 1e300 })).result?.gcode_store).to.be.an('array');
    const http = await fetch(`http://127.0.0.1:${port}/server/history/list?start=1e20`, { headers: { 'X-Api-Key': h.t.apiKey } });
    expect(http.status).to.equal(200);
    expect(h.t.logs.filter((l) => l.level >= 50).map((l) => l.msg)).to.deep.equal([]);
  });

  it('refuses a script with a control character or non-ASCII text inside a line or a line too long, sending none of it, and runs CRLF lines', async () => {
    for (const script of ['M117 cr\rM117 split', 'M117 nul\u0000M117 split', 'M117 esc\u001b[2J', `M117 first\nM117 ${'x'.repeat(5000)}`, 'M117 Würfel', 'M117 \u010a']) {
      const before = h.executed('p1').length;
      const answer = await rpc.call('printer.gcode.script', { script });
      expect(answer.error?.code, JSON.stringify(script)).to.equal(400);
      expect(h.executed('p1').slice(before), JSON.stringify(script)).to.deep.equal([]);
    }
    const before = h.executed('p1').length;
    expect((await rpc.call('printer.gcode.script', { script: 'M117 first\r\nM117 second\r\n' })).result).to.equal('ok');
    expect(h.executed('p1').slice(before)).to.deep.equal(['M117 first', 'M117 second']);
    // the same rule through OctoPrint's command route
    const octoprint = await fetch(`${h.t.baseUrl}/api/printer/command`, { method: 'POST', headers: { 'X-Api-Key': h.t.apiKey, 'Content-Type': 'application/json' }, body: JSON.stringify({ commands: ['M117 ok', `M117 ${'y'.repeat(5000)}`] }) });
    expect(octoprint.status).to.equal(400);
    expect(h.executed('p1').slice(before)).to.deep.equal(['M117 first', 'M117 second']);
  });

  it('refuses a heater target outside 0 and the heater\'s max_temp, as Klipper does, sending nothing', async () => {
    const { max_temp: max } = (await rpc.result('printer.objects.query', { objects: { configfile: ['settings'] } })).status.configfile.settings.extruder;
    const before = h.executed('p1').length;
    for (const target of [max + 1, 1000, -5]) {
      const answer = await rpc.call('printer.gcode.script', { script: `SET_HEATER_TEMPERATURE HEATER=extruder TARGET=${target}` });
      expect(answer.error?.code, String(target)).to.equal(400);
    }
    expect(h.executed('p1').slice(before).filter((c) => c.startsWith('M104'))).to.deep.equal([]);
    expect((await rpc.call('printer.gcode.script', { script: `SET_HEATER_TEMPERATURE HEATER=extruder TARGET=${max}` })).result).to.equal('ok');
    expect((await rpc.call('printer.gcode.script', { script: 'SET_HEATER_TEMPERATURE HEATER=extruder TARGET=0' })).result).to.equal('ok');
    expect(h.executed('p1').slice(before).filter((c) => c.startsWith('M104'))).to.deep.equal([`M104 T0 S${max}`, 'M104 T0 S0']);
  });

  it('keeps at most 64 saved g-code states, refusing a new name past them while a known one is saved again', async () => {
    const names = Array.from({ length: 200 }, (_, i) => `SAVE_GCODE_STATE NAME=flood_${i}`).join('\n');
    expect((await rpc.call('printer.gcode.script', { script: names })).error?.code).to.equal(400);
    expect((await rpc.call('printer.gcode.script', { script: 'SAVE_GCODE_STATE NAME=flood_0\nRESTORE_GCODE_STATE NAME=flood_63' })).result).to.equal('ok');
    expect((await rpc.call('printer.gcode.script', { script: 'RESTORE_GCODE_STATE NAME=flood_64' })).error?.code).to.equal(400);
  });

  it('keeps at most 16 MiB of client settings per printer (413 past it)', async () => {
    const big = 'x'.repeat(3_900_000);
    for (const n of [1, 2, 3, 4]) expect((await rpc.call('server.database.post_item', { namespace: `fill${n}`, key: 'k', value: big })).error, `fill${n}`).to.equal(undefined);
    expect((await rpc.call('server.database.post_item', { namespace: 'fill5', key: 'k', value: big })).error?.code).to.equal(413);
    // a namespace written again is counted once
    expect((await rpc.call('server.database.post_item', { namespace: 'fill4', key: 'k', value: big })).error, 'the same size again').to.equal(undefined);
    for (const n of [1, 2, 3, 4]) await rpc.result('server.database.delete_item', { namespace: `fill${n}`, key: 'k' });
  });

  it('starts a print once when three starts overlap (a double click): one ok, the others 409, one history row', async () => {
    const form = new FormData();
    form.append('file', new Blob(['G28\nG1 X10 F3000\nG1 X20\n']), 'twice.gcode');
    expect((await fetch(`http://127.0.0.1:${port}/server/files/upload`, { method: 'POST', headers: { 'X-Api-Key': h.t.apiKey }, body: form })).status).to.equal(201);
    const ids = ['start-0', 'start-1', 'start-2'];
    const answers = await Promise.all(ids.map((id) => rpc.raw(JSON.stringify({ jsonrpc: '2.0', method: 'printer.print.start', params: { filename: 'twice.gcode' }, id }), id)));
    expect(answers.map((m) => m.error?.code ?? m.result).sort()).to.deep.equal([409, 409, 'ok']);
    await waitFor(() => h.printer('p1').state.id === 'OPERATIONAL', 15_000, 'the print done');
    const { jobs } = await rpc.result('server.history.list', { limit: 100 });
    expect((jobs as { filename: string; status: string }[]).filter((j) => j.filename === 'twice.gcode').map((j) => j.status)).to.deep.equal(['completed']);
  });

  it('answers a print start that meets an emergency stop with ok or 409, never an internal error', async () => {
    const form = new FormData();
    form.append('file', new Blob(['G28\nG1 X10 F3000\n']), 'race.gcode');
    expect((await fetch(`http://127.0.0.1:${port}/server/files/upload`, { method: 'POST', headers: { 'X-Api-Key': h.t.apiKey }, body: form })).status).to.equal(201);
    const [start, stop] = await Promise.all([
      rpc.raw(JSON.stringify({ jsonrpc: '2.0', method: 'printer.print.start', params: { filename: 'race.gcode' }, id: 'race-start' }), 'race-start'),
      rpc.raw(JSON.stringify({ jsonrpc: '2.0', method: 'printer.emergency_stop', id: 'race-stop' }), 'race-stop'),
    ]);
    expect([start!.error?.code ?? start!.result, stop!.result]).to.satisfy(([s, e]: unknown[]) => (s === 'ok' || s === 409) && e === 'ok', JSON.stringify([start, stop]));
    expect(h.t.logs.filter((l) => l.level >= 50 && l.msg === 'moonraker method failed').map((l) => l.err)).to.deep.equal([]);
    // the next case connects the printer again
  });

  it('answers restarts that overlap (a double click) with ok or 409, never an internal error, and connects', async () => {
    const ids = ['restart-0', 'restart-1', 'restart-2'];
    const answers = await Promise.all(ids.map((id, i) => rpc.raw(JSON.stringify({ jsonrpc: '2.0', method: i === 1 ? 'printer.restart' : 'printer.firmware_restart', id }), id)));
    expect(answers.map((m) => m.error?.code ?? m.result)).to.satisfy((codes: unknown[]) => codes.every((c) => c === 'ok' || c === 409), JSON.stringify(answers));
    expect(h.t.logs.filter((l) => l.level >= 50 && l.msg === 'moonraker method failed').map((l) => l.err)).to.deep.equal([]);
    await waitFor(() => h.printer('p1').state.id === 'OPERATIONAL', 15_000, 'the printer connected again');
  });

  it('refuses paths outside the storage through every files method, and writes nothing outside', async () => {
    const refusals: [string, object][] = [
      ['server.files.get_directory', { path: '/etc' }],
      ['server.files.get_directory', { path: 'gcodes/../../..' }],
      ['server.files.post_directory', { path: `gcodes/../${ESCAPED}` }],
      ['server.files.post_directory', { path: `gcodes/../../${ESCAPED}` }],
      ['server.files.copy', { source: 'gcodes/../config.yaml', dest: 'gcodes/copied.yaml' }],
      ['server.files.metadata', { filename: '../config.yaml' }],
      ['server.files.delete_directory', { path: 'gcodes/..' }],
      ['server.files.delete_file', { path: 'gcodes/../config.yaml' }],
      ['server.files.list', { root: 'config' }],
    ];
    for (const [method, params] of refusals) {
      const answer = await rpc.call(method, params);
      expect(answer.error?.code, `${method} ${JSON.stringify(params)}`).to.be.within(400, 499);
    }
    for (const dir of escapes()) expect(fs.existsSync(dir), dir).to.equal(false);
    expect(fs.existsSync(path.join(h.t.basedir, 'config.yaml'))).to.equal(true);
  });

  it('answers 405 to the HTTP forms under another verb than GET, HEAD, POST and DELETE, running nothing', async () => {
    const before = h.executed('p1').length;
    for (const verb of ['OPTIONS', 'PUT', 'PATCH']) {
      const res = await fetch(`http://127.0.0.1:${port}/printer/gcode/script?script=M117%20${verb}`, { method: verb, headers: { 'X-Api-Key': h.t.apiKey } });
      expect(res.status, verb).to.equal(405);
      expect(((await res.json()) as { error: { code: number } }).error.code, verb).to.equal(405);
    }
    expect(h.executed('p1').slice(before)).to.deep.equal([]);
  });

  it('keeps an upload only when its checksum is the SHA-256 of what arrived (422 otherwise)', async () => {
    const upload = (name: string, checksum: string) => {
      const form = new FormData();
      form.append('checksum', checksum);
      form.append('file', new Blob(['G28 ; checked\n']), name);
      return fetch(`http://127.0.0.1:${port}/server/files/upload`, { method: 'POST', headers: { 'X-Api-Key': h.t.apiKey }, body: form });
    };
    const right = createHash('sha256').update('G28 ; checked\n').digest('hex');
    const wrong = await upload('corrupt.gcode', createHash('sha256').update('G28 ; sent\n').digest('hex'));
    expect(wrong.status).to.equal(422);
    expect(fs.existsSync(path.join(h.t.basedir, 'uploads', 'corrupt.gcode'))).to.equal(false);
    expect((await upload('checked.gcode', right.toUpperCase())).status).to.equal(201);
    expect(fs.readFileSync(path.join(h.t.basedir, 'uploads', 'checked.gcode'), 'utf8')).to.equal('G28 ; checked\n');
  });

  it('refuses a download, upload or deletion outside the storage over HTTP with a 4xx', async () => {
    const upload = (folder: string) => {
      const form = new FormData();
      form.append('root', 'gcodes');
      form.append('path', folder);
      form.append('file', new Blob(['G28 ; inside\n']), 'cube.gcode');
      return fetch(`http://127.0.0.1:${port}/server/files/upload`, { method: 'POST', headers: { 'X-Api-Key': h.t.apiKey }, body: form });
    };
    // the same routes do serve what is inside
    expect((await upload('inside')).status).to.equal(201);
    const inside = await rawGet(port, '/server/files/gcodes/inside/cube.gcode', h.t.apiKey);
    expect(inside).to.deep.equal({ status: 200, body: 'G28 ; inside\n' });
    for (const rawPath of ['/server/files/gcodes/../config.yaml', '/server/files/gcodes/..%2Fconfig.yaml', '/server/files/gcodes/%2e%2e/config.yaml', '/server/files/gcodes/inside/../../config.yaml']) {
      const res = await rawGet(port, rawPath, h.t.apiKey);
      expect(res.status, rawPath).to.be.within(400, 499);
      expect(res.body, rawPath).to.not.include('apiKey').and.not.include('key:');
    }
    for (const folder of [`../${ESCAPED}`, `../../${ESCAPED}`, `inside/../../${ESCAPED}`]) expect((await upload(folder)).status, folder).to.be.within(400, 499);
    for (const dir of escapes()) expect(fs.existsSync(dir), dir).to.equal(false);
    // Moonraker's HTTP deletion takes the same path rules: outside is refused, inside is deleted
    const del = (rawPath: string) => new Promise<number>((resolve, reject) => {
      http.request({ host: '127.0.0.1', port, path: rawPath, method: 'DELETE', headers: { 'X-Api-Key': h.t.apiKey } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      }).on('error', reject).end();
    });
    for (const rawPath of ['/server/files/gcodes/../config.yaml', '/server/files/gcodes/%2e%2e/config.yaml', '/server/files/gcodes/inside/../../config.yaml']) expect(await del(rawPath), rawPath).to.be.within(400, 499);
    expect(fs.existsSync(path.join(h.t.basedir, 'config.yaml'))).to.equal(true);
    expect(await del('/server/files/gcodes/inside/cube.gcode')).to.equal(200);
    expect(fs.existsSync(path.join(h.t.basedir, 'uploads', 'inside', 'cube.gcode'))).to.equal(false);
  });
});
