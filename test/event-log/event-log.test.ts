/** The durable event log: every bus event in SQLite, paged by GET /api/events, seq kept across restarts, retention. */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HostDatabase, openDatabase } from '../../core/database/database.js';
import { prune, usedBytes } from '../../core/event-log/retention.js';
import { createEventLogSchema, readMeta } from '../../core/event-log/schema.js';
import { EventLog, type EventQuery } from '../../core/event-log/api.js';
import { CuttleHost } from '../../core/host.js';
import { HttpServer } from '../../core/http/http-server.js';
import { lastLine, request } from '../clients/helpers.js';
import { cliInProcess as cli } from '../support/cli.js';
import { captureLogs, TEST_API_KEY, writeConfig } from '../support/host.js';

async function startHostAt(basedir: string): Promise<{ host: CuttleHost; baseUrl: string }> {
  const { stream } = captureLogs();
  const host = CuttleHost.create({ basedir, overrides: { 'server.port': 0, 'server.host': '127.0.0.1' }, env: {}, logStream: stream });
  await host.start();
  return { host, baseUrl: host.get<HttpServer>(HttpServer).baseUrl() };
}

describe('durable event log', function () {
  this.timeout(20000);
  let basedir: string;
  let running: CuttleHost | undefined;
  beforeEach(() => {
    basedir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-eventlog-'));
    writeConfig(basedir, { api: { key: TEST_API_KEY } });
  });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    rmSync(basedir, { recursive: true, force: true });
  });

  it('pages every bus event through GET /api/events, by seq, type and printer, and refuses bad queries', async () => {
    const { host, baseUrl } = await startHostAt(basedir);
    running = host;
    const fired: { seq: number }[] = [];
    for (let i = 0; i < 250; i++) fired.push(host.bus.fire('ZChange', { old: i, new: i + 1 }));
    const upload = host.bus.fire('Upload', { name: 'a.gcode', path: 'a.gcode', target: 'local', file: 'a.gcode' });
    await host.get<EventLog>(EventLog).flushed();

    const seen: { seq: number; type: string; payload: { new?: number } }[] = [];
    let since: number | null = 0;
    let pages = 0;
    while (since !== null) {
      const page = await request(baseUrl, 'GET', `/api/events?since=${since}&limit=100`, { key: TEST_API_KEY });
      expect(page.status).to.equal(200);
      expect(page.headers.get('content-type')).to.match(/^application\/json/);
      seen.push(...page.body.events);
      since = page.body.next;
      pages++;
    }
    const mine = seen.filter((e) => e.seq >= fired[0]!.seq);
    expect(mine.map((e) => e.seq)).to.deep.equal([...fired.map((e) => e.seq), upload.seq]);
    expect(mine[10]).to.include({ type: 'ZChange' });
    expect(mine[10]!.payload).to.deep.equal({ old: 10, new: 11 });
    expect(pages).to.be.greaterThan(2);
    expect(Object.keys(mine[0]!).sort()).to.deep.equal(['payload', 'printer', 'seq', 'time', 'type']);

    const uploads = await request(baseUrl, 'GET', `/api/events?type=Upload`, { key: TEST_API_KEY });
    expect(uploads.body.events.map((e: { seq: number }) => e.seq)).to.deep.equal([upload.seq]);
    expect(uploads.body.next).to.equal(null);
    // an upload is no printer's event: printer null, and not in a printer's page
    expect(uploads.body.events[0].printer).to.equal(null);
    const byPrinter = await request(baseUrl, 'GET', `/api/events?printer=default&since=${upload.seq - 1}`, { key: TEST_API_KEY });
    expect(byPrinter.body.events.map((e: { seq: number }) => e.seq)).to.not.include(upload.seq);
    expect((await request(baseUrl, 'GET', `/api/events?printer=other`, { key: TEST_API_KEY })).body.events).to.deep.equal([]);

    for (const bad of ['since=-1', 'since=abc', 'limit=0', 'limit=100000', 'since=1&since=2', 'before=0', 'before=abc', 'before=1&limit=0']) {
      const r = await request(baseUrl, 'GET', `/api/events?${bad}`, { key: TEST_API_KEY });
      expect(r.status, bad).to.equal(400);
      expect(r.body.error, bad).to.match(/"(since|limit|before)"/);
    }
    // the newest first, over HTTP: the upload and the last ZChanges, then the page before them
    const newest = await request(baseUrl, 'GET', `/api/events?before=${Number.MAX_SAFE_INTEGER}&limit=3`, { key: TEST_API_KEY });
    // an empty `before` has no bound either (as an empty `since` starts at the oldest)
    expect((await request(baseUrl, 'GET', `/api/events?before=&limit=3`, { key: TEST_API_KEY })).body).to.deep.equal(newest.body);
    expect(newest.body.events.map((e: { seq: number }) => e.seq)).to.deep.equal([fired[248]!.seq, fired[249]!.seq, upload.seq]);
    const older = await request(baseUrl, 'GET', `/api/events?before=${newest.body.previous}&limit=2&type=ZChange`, { key: TEST_API_KEY });
    expect(older.body.events.map((e: { seq: number }) => e.seq)).to.deep.equal([fired[246]!.seq, fired[247]!.seq]);
  });

  it('answers GET /api/events with the same page as read() gives, for stored and not yet committed events alike', async () => {
    const { stream } = captureLogs();
    // a batch window longer than the test: events fired after flushed() stay in memory, not committed
    const host = CuttleHost.create({ basedir, overrides: { 'server.port': 0, 'server.host': '127.0.0.1', 'events.log.batchMs': 600_000 }, env: {}, logStream: stream });
    await host.start();
    running = host;
    const log = host.get<EventLog>(EventLog);
    const first = host.bus.fire('ZChange', { old: 0, new: 1 }).seq;
    for (let i = 1; i < 60; i++) {
      if (i % 3 === 0) host.bus.fire('Upload', { name: `${i}.gcode`, path: `${i}.gcode`, target: 'local', file: `${i}.gcode` });
      else host.bus.fire('ZChange', { old: i, new: i + 1 });
    }
    await host.bus.idle(5000);
    await log.flushed();
    // stored rows with the edges of time formatting, other printers and payloads JSON.stringify wrote
    const db = host.get<HostDatabase>(HostDatabase).db;
    const times = [0, 999, 1_000, 951_782_400_001, 1_764_255_120_999, 4_102_444_799_999, 253_402_300_799_999];
    const payloads = [{ text: 'é "quoted" \\ back\nslash \u0001 ☃ 🖨' }, { n: 0.1, big: 1e21, neg: -5e-7, list: [null, true, {}] }];
    const update = db.prepare('UPDATE events SET time = ?, printer = ?, payload = ? WHERE seq = ?');
    for (let k = 0; k < times.length; k++) update.run(times[k]!, k % 2 === 0 ? 'default' : 'mk4-é', JSON.stringify(payloads[k % 2]), first + 5 * k);
    for (let i = 0; i < 40; i++) host.bus.fire('ZChange', { old: 100 + i, new: 101 + i });
    await host.bus.idle(5000);

    const pageOf = (query: EventQuery) => {
      const { events, next, gap } = log.read(query);
      return JSON.stringify({ events, next, ...(gap ? { gap } : {}) });
    };
    const uncommittedFrom = first + 60;
    let compared = 0;
    for (const since of [0, first - 1, first + 3, uncommittedFrom - 5, uncommittedFrom - 1, uncommittedFrom + 10, uncommittedFrom + 39]) {
      for (const limit of [1, 7, 50, 100, 1000]) {
        for (const filter of [{}, { type: 'ZChange' }, { type: 'Upload' }, { printer: 'mk4-é' }, { printer: 'default', type: 'ZChange' }]) {
          const query = { since, limit, ...filter };
          expect(String(log.readJson(query)), JSON.stringify(query)).to.equal(pageOf(query));
          compared++;
        }
      }
    }
    expect(compared).to.equal(175);

    // backwards (?before=): the `limit` events just before a seq, as read() would list them, stored and uncommitted alike
    const everything = (filter: object) => log.read({ since: 0, limit: 1000, ...filter }).events;
    for (const before of [1, first + 1, first + 3, uncommittedFrom - 5, uncommittedFrom, uncommittedFrom + 10, Number.MAX_SAFE_INTEGER]) {
      for (const limit of [1, 7, 50, 1000]) {
        for (const filter of [{}, { type: 'Upload' }, { printer: 'mk4-é' }, { printer: 'default', type: 'ZChange' }]) {
          const query = { before, limit, ...filter };
          const events = everything(filter)
            .filter((e) => e.seq < before)
            .slice(-limit);
          const expected = JSON.stringify({ events, previous: events.length === limit ? events[0]!.seq : null });
          expect(String(log.readEarlierJson(query)), JSON.stringify(query)).to.equal(expected);
        }
      }
    }
    // walked back from the newest by `previous`, the pages are the whole log, each event once
    const walked: number[] = [];
    for (let before: number | null = Number.MAX_SAFE_INTEGER; before !== null; ) {
      const page = JSON.parse(String(log.readEarlierJson({ before, limit: 7 }))) as { events: { seq: number }[]; previous: number | null };
      walked.unshift(...page.events.map((e) => e.seq));
      before = page.previous;
    }
    expect(walked).to.deep.equal(everything({}).map((e) => e.seq));
    // the pages above did reach both kinds of rows: one page spans the stored and the uncommitted ones
    const spanning = JSON.parse(String(log.readJson({ since: uncommittedFrom - 5, limit: 10 }))) as { events: { seq: number }[] };
    expect(spanning.events.map((e) => e.seq)).to.deep.equal(Array.from({ length: 10 }, (_, i) => uncommittedFrom - 4 + i));
    expect((db.prepare('SELECT max(seq) AS seq FROM events').get() as { seq: number }).seq).to.equal(uncommittedFrom - 1);
  });

  it('needs the EVENTS permission: admins have it, a read-only user does not', async () => {
    const { host, baseUrl } = await startHostAt(basedir);
    running = host;
    expect((await cli(['user', 'add', 'rob', '--readonly', '--basedir', basedir])).code).to.equal(0);
    const readonlyKey = lastLine((await cli(['user', 'key', 'rob', '--basedir', basedir])).stdout);
    const refused = await request(baseUrl, 'GET', '/api/events', { key: readonlyKey });
    expect(refused.status).to.equal(403);
    expect(refused.body.error).to.match(/EVENTS/);
    expect((await request(baseUrl, 'GET', '/api/events')).status).to.equal(403);
    expect((await request(baseUrl, 'GET', '/api/events', { key: TEST_API_KEY })).status).to.equal(200);
    const perms = await request(baseUrl, 'GET', '/api/access/permissions', { key: TEST_API_KEY });
    expect(perms.body.permissions.find((p: { key: string }) => p.key === 'EVENTS')).to.include({ name: 'Event Log' });
  });

  it('keeps seq increasing across restarts and keeps the earlier events', async () => {
    let { host, baseUrl } = await startHostAt(basedir);
    running = host;
    const before = host.bus.fire('ZChange', { old: 0, new: 1 }).seq;
    await host.stop();
    running = undefined;
    ({ host, baseUrl } = await startHostAt(basedir));
    running = host;
    expect(host.bus.lastSeq).to.be.at.least(before);
    const after = host.bus.fire('ZChange', { old: 1, new: 2 }).seq;
    expect(after).to.be.greaterThan(before);
    await host.get<EventLog>(EventLog).flushed();
    const all = await request(baseUrl, 'GET', `/api/events?type=ZChange`, { key: TEST_API_KEY });
    expect(all.body.events.map((e: { seq: number }) => e.seq)).to.deep.equal([before, after]);
  });

  it('retention drops events past maxAgeDays, then the oldest until the file fits maxMb, and says where it stopped', () => {
    const db = openDatabase(path.join(basedir, 'data', 'retention.db'));
    createEventLogSchema(db);
    const now = Date.now();
    const insert = db.prepare('INSERT INTO events (seq, type, printer, time, payload) VALUES (?, ?, ?, ?, ?)');
    const payload = JSON.stringify({ text: 'x'.repeat(400) });
    db.transaction(() => {
      for (let seq = 1; seq <= 20000; seq++) insert.run(seq, 'ZChange', 'default', seq <= 300 ? now - 40 * 86_400_000 : now, payload);
    })();
    const byAge = prune(db, { maxAgeDays: 30, maxMb: 0 }, now);
    expect(byAge).to.deep.equal({ deleted: 300, prunedUpTo: 300 });
    expect(readMeta(db, 'pruned_up_to')).to.equal(300);
    expect(usedBytes(db)).to.be.greaterThan(4 * 1024 * 1024);
    const bySize = prune(db, { maxAgeDays: 30, maxMb: 4 }, now);
    expect(usedBytes(db)).to.be.at.most(4 * 1024 * 1024);
    const oldest = (db.prepare('SELECT min(seq) AS seq FROM events').get() as { seq: number }).seq;
    expect(bySize.prunedUpTo).to.equal(oldest - 1);
    expect((db.prepare('SELECT max(seq) AS seq FROM events').get() as { seq: number }).seq).to.equal(20000);
    db.close();
  });
});
