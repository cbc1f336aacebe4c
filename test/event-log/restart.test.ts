/**
 * Restart resume with real host processes: a socket.io client that saw events up to some seq, a
 * host that fires more and is stopped with SIGTERM or killed with SIGKILL, a new host on the same
 * basedir, the client back with its last seq: everything fired before the end arrives once, in
 * order, and no seq is used twice. And `gap` only for what retention dropped.
 */
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventBus } from '../../core/events/event-bus.js';
import { EventLog } from '../../core/event-log/api.js';
import { request } from '../clients/helpers.js';
import { pushClient, type RecordingClient } from '../push/support.js';
import { startTestHost, TEST_API_KEY, writeConfig } from '../support/host.js';
import { spawnHost, uploadForm, type HostProcess } from '../api/support.js';
import { keyHeaders } from '../support/http.js';
import { waitFor } from '../support/wait.js';

async function upload(baseUrl: string, name: string): Promise<void> {
  const res = await fetch(`${baseUrl}/api/files/local`, { method: 'POST', headers: keyHeaders(TEST_API_KEY), body: uploadForm(name, 'G28\nG1 X10 Y10\n') });
  if (res.status !== 201) throw new Error(`upload of ${name} answered ${res.status}: ${await res.text()}`);
}

interface SeenEvent {
  type: string;
  seq: number;
  payload: { name?: string };
}

/** Resolves once the host's database holds `seq` (read through its own connection, as any reader). */
async function committed(basedir: string, seq: number): Promise<void> {
  const db = new Database(path.join(basedir, 'data', 'cuttle.db'), { readonly: true });
  try {
    await waitFor(() => (db.prepare('SELECT max(seq) AS seq FROM events').get() as { seq: number }).seq >= seq, 20000, `seq ${seq} committed`);
  } finally {
    db.close();
  }
}

const events = (c: RecordingClient) => c.of('event') as unknown as SeenEvent[];
const addedNames = (list: SeenEvent[]) => list.filter((e) => e.type === 'FileAdded').map((e) => e.payload.name);

describe('event replay across host restarts (real processes)', function () {
  this.timeout(90000);
  let basedir: string;
  let host: HostProcess | undefined;
  const clients: RecordingClient[] = [];
  beforeEach(() => {
    basedir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-restart-'));
    writeConfig(basedir, { api: { key: TEST_API_KEY }, logging: { level: 'info' } });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await host?.stop('SIGKILL');
    host = undefined;
    rmSync(basedir, { recursive: true, force: true });
  });

  async function loggedNames(baseUrl: string): Promise<string[]> {
    const r = await request(baseUrl, 'GET', '/api/events?type=FileAdded&limit=1000', { key: TEST_API_KEY });
    return (r.body.events as SeenEvent[]).map((e) => e.payload.name!);
  }

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`resumes a client from its last seq after ${signal}`, async () => {
      host = await spawnHost(basedir);
      const first = pushClient(host.baseUrl, { apikey: TEST_API_KEY });
      clients.push(first);
      for (const name of ['a1.gcode', 'a2.gcode', 'a3.gcode']) await upload(host.baseUrl, name);
      await waitFor(() => addedNames(events(first)).includes('a3.gcode'), 10000, 'the first client to see a3');
      const lastSeen = Math.max(...first.seqs());
      first.close();

      const missed = ['b1.gcode', 'b2.gcode', 'b3.gcode', 'b4.gcode'];
      for (const name of missed) await upload(host.baseUrl, name);
      const baseUrl = host.baseUrl;
      await waitFor(async () => (await loggedNames(baseUrl)).includes('b4.gcode'), 10000, 'b4.gcode in the event log');
      // what the dying host fired after the client left, from its own log
      const firedAfter = (await request(baseUrl, 'GET', `/api/events?since=${lastSeen}&limit=1000`, { key: TEST_API_KEY })).body.events as SeenEvent[];
      // SIGKILL loses what is not committed yet (the batch window; `npm run bench:eventlog` measures it):
      // wait until the writer has committed the last event, as seen by a reader of the database file
      if (signal === 'SIGKILL') await committed(basedir, firedAfter.at(-1)!.seq);
      const code = await host.stop(signal);
      if (signal === 'SIGTERM') expect(code).to.equal(0);

      host = await spawnHost(basedir);
      const back = pushClient(host.baseUrl, { apikey: TEST_API_KEY, lastSeq: lastSeen });
      clients.push(back);
      await waitFor(() => back.seqs().some((s) => s > firedAfter.at(-1)!.seq), 15000, 'the returning client to reach the new host\'s events');
      const seqs = back.seqs();
      expect(new Set(seqs).size, 'each event once').to.equal(seqs.length);
      expect([...seqs].sort((a, b) => a - b), 'in order').to.deep.equal(seqs);
      const replayed = events(back).filter((e) => e.seq <= firedAfter.at(-1)!.seq);
      expect(replayed.map((e) => [e.seq, e.type])).to.deep.equal(firedAfter.map((e) => [e.seq, e.type]));
      expect(addedNames(replayed)).to.deep.equal(missed);
      expect(seqs[0]).to.equal(lastSeen + 1);
      expect(back.of('gap')).to.deep.equal([]);
      // the new host's own events come after every seq the old one used
      const fresh = events(back).filter((e) => e.seq > firedAfter.at(-1)!.seq);
      expect(fresh.length).to.be.greaterThan(0);
      await upload(host.baseUrl, 'c1.gcode');
      await waitFor(() => addedNames(events(back)).includes('c1.gcode'), 10000, 'c1 live');
      const c1 = events(back).find((e) => e.payload.name === 'c1.gcode' && e.type === 'FileAdded')!;
      expect(c1.seq).to.be.greaterThan(firedAfter.at(-1)!.seq);
    });
  }

  it('sends gap only for what retention dropped', async () => {
    const t = await startTestHost({ config: { events: { historySize: 100, log: { maxMb: 1, pruneIntervalS: 1 } } } });
    try {
      const bus = t.get<EventBus>(EventBus);
      const log = t.get<EventLog>(EventLog);
      const start = bus.lastSeq;
      const big = 'x'.repeat(2000);
      for (let i = 0; i < 1500; i++) bus.fire('Upload', { name: `${i}-${big}`, path: 'p', target: 'local', file: 'p' });
      await log.flushed();
      await waitFor(() => log.prunedUpTo > start, 10000, 'retention to prune');
      const c = pushClient(t.baseUrl, { apikey: t.apiKey, lastSeq: start });
      clients.push(c);
      await waitFor(() => c.seqs().at(-1) === bus.lastSeq, 10000, 'catch-up');
      const gaps = c.of('gap') as { from: number; to: number }[];
      expect(gaps).to.have.length(1);
      expect(gaps[0]!.from).to.equal(start + 1);
      expect(gaps[0]!.to).to.be.at.least(log.prunedUpTo);
      const seqs = c.seqs();
      expect(seqs[0]).to.equal(gaps[0]!.to + 1);
      expect(seqs).to.deep.equal(Array.from({ length: bus.lastSeq - gaps[0]!.to }, (_, i) => gaps[0]!.to + 1 + i));
    } finally {
      await t.stop();
    }
  });
});
