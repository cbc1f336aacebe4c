/**
 * Backup and restore of a whole host: two printers, users and keys, uploads, a timelapse, job
 * history and 100 000 events, backed up through `POST /api/backup` while the host fires events,
 * downloaded, restored with `cuttle backup restore` onto a new basedir and started there: the keys
 * work, files, history and events are the same, and the seq goes on. Restored through the API too:
 * checked while the host runs, applied at the restart it asks for. Each damaged or hostile archive
 * is refused with the basedir left exactly as it was.
 */
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { AuthManager } from '../../core/auth/api.js';
import { UserStore } from '../../core/auth/user-store.js';
import { writeBackup } from '../../core/backup/archive-writer.js';
import { BackupError } from '../../core/backup/format.js';
import { parseParts } from '../../core/backup/names.js';
import { restoreBackup } from '../../core/backup/restore.js';
import { applyPendingRestore } from '../../core/backup/pending-restore.js';
import { HostRestart, RESTART_EXIT_CODE } from '../../core/common/host-restart.js';
import { recordEvents } from '../support/events.js';
import { HostDatabase } from '../../core/database/database.js';
import { createEventLogSchema } from '../../core/event-log/schema.js';
import { EventBus } from '../../core/events/event-bus.js';
import { CuttleHost } from '../../core/host.js';
import { HttpServer } from '../../core/http/http-server.js';
import { uploadForm } from '../api/support.js';
import { request } from '../clients/helpers.js';
import { cli, CLI_MAIN } from '../support/cli.js';
import { findRunningHost } from '../../core/common/running-host.js';
import { virtualPrinter } from '../farm-events/support.js';
import { captureLogs, startTestHost, TEST_API_KEY, type TestHost } from '../support/host.js';

import { craftArchive, fingerprint } from './support.js';
import { waitFor } from '../support/wait.js';
import { openPushClient } from '../clients/push-clients.js';

const EVENTS = 100_000;
const GCODE = 'G28\nG1 X10 Y10 Z0.2 E1\n'.repeat(2000);

/** Inserts `count` events as the event log stores them, in one transaction (a prepared statement: ~0.3 s for 100 000). */
function insertEvents(db: Database.Database, count: number): void {
  createEventLogSchema(db);
  const insert = db.prepare('INSERT INTO events (seq, type, printer, time, payload) VALUES (?, ?, ?, ?, ?)');
  const start = Date.now() - count * 1000;
  db.transaction(() => {
    for (let seq = 1; seq <= count; seq++) insert.run(seq, 'ZChange', seq % 2 ? 'p1' : 'p2', start + seq * 1000, `{"old":${(seq - 1) / 10},"new":${seq / 10}}`);
  })();
}

/** The events of a database file as a few numbers that change if any row does. */
function eventDigest(file: string, upTo: number): Record<string, unknown> {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare('SELECT count(*) AS n, sum(seq) AS seqs, sum(time % 1000003) AS times, sum(length(payload)) AS bytes, sum(unicode(printer)) AS printers, max(seq) AS last FROM events WHERE seq <= ?')
      .get(upTo) as Record<string, unknown>;
  } finally {
    db.close();
  }
}

/** A host on an existing basedir (the restored one), on a free port. */
async function startOn(basedir: string): Promise<{ host: CuttleHost; baseUrl: string }> {
  const host = CuttleHost.create({ basedir, overrides: { 'server.port': 0, 'server.host': '127.0.0.1' }, env: {}, logStream: captureLogs().stream });
  await host.start();
  return { host, baseUrl: host.get<HttpServer>(HttpServer).baseUrl() };
}

async function download(baseUrl: string, url: string, key: string): Promise<Buffer> {
  const res = await fetch(`${baseUrl}${url}`, { headers: { 'X-Api-Key': key } });
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${await res.text()}`);
  return Buffer.from(await res.arrayBuffer());
}

describe('backup and restore', function () {
  this.timeout(60_000);
  let source: TestHost;
  let restored: CuttleHost | undefined;
  let work: string;
  let aliceKey: string;
  let archive: string;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-backup-test-'));
    source = await startTestHost({ config: { printers: [virtualPrinter('p1'), virtualPrinter('p2')], plugins: { 'backup-test': { colour: 'teal' } } }, noStart: true });
    insertEvents(source.get<HostDatabase>(HostDatabase).db, EVENTS);
    await source.host.start();
    const users = new UserStore(source.basedir);
    await users.add('alice', { password: 'alice-password-1', groups: ['users'] });
    aliceKey = users.addKey('alice', 'backup-test');
    for (const name of ['cube.gcode', 'parts/bracket.gcode']) {
      const res = await fetch(`${source.baseUrl}/api/files/local`, { method: 'POST', headers: { 'X-Api-Key': TEST_API_KEY }, body: uploadForm(name, GCODE) });
      expect(res.status, await res.text()).to.equal(201);
    }
    const movies = path.join(source.basedir, 'timelapse');
    fs.mkdirSync(movies, { recursive: true });
    fs.writeFileSync(path.join(movies, 'cube_20261206.mp4'), Buffer.alloc(4096, 7));
    const db = source.get<HostDatabase>(HostDatabase).db;
    const job = db.prepare("INSERT INTO jobs (printer, name, path, origin, started, updated, ended, result, print_time) VALUES (?, ?, ?, 'local', ?, ?, ?, ?, ?)");
    job.run('p1', 'cube.gcode', 'cube.gcode', 1_700_000_000_000, 1_700_000_600_000, 1_700_000_600_000, 'done', 600);
    job.run('p2', 'bracket.gcode', 'parts/bracket.gcode', 1_700_001_000_000, 1_700_001_100_000, 1_700_001_100_000, 'cancelled', 100);
  });

  after(async () => {
    await restored?.stop();
    await source?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('backs up a host while it fires events, and the restore on a new basedir is the same host, whose seq goes on', async () => {
    const bus = source.get<EventBus>(EventBus);
    let z = 0;
    const firing = setInterval(() => {
      for (let i = 0; i < 20; i++) bus.fire('ZChange', { old: z, new: (z += 0.2) });
    }, 2);
    const firstSeq = bus.lastSeq;
    let created;
    try {
      created = await request(source.baseUrl, 'POST', '/api/backup', { key: TEST_API_KEY, body: {} });
    } finally {
      clearInterval(firing);
    }
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const lastSeqOfSource = bus.lastSeq;
    expect(lastSeqOfSource, 'events were fired while the backup ran').to.be.greaterThan(firstSeq);
    const name = created.body.name as string;
    expect(name).to.match(/^cuttle-backup-\d{8}-\d{6}\.tar\.gz$/);
    expect(created.headers.get('location')).to.equal(`/api/backup/${name}`);

    const listed = await request(source.baseUrl, 'GET', '/api/backup', { key: TEST_API_KEY });
    expect(listed.body.backups.map((b: { name: string }) => b.name)).to.deep.equal([name]);
    expect(listed.body.backups[0].bytes).to.equal(created.body.bytes);
    archive = path.join(work, name);
    fs.writeFileSync(archive, await download(source.baseUrl, `/api/backup/${name}`, TEST_API_KEY));
    expect(fs.statSync(archive).size).to.equal(created.body.bytes);

    const target = path.join(work, 'restored');
    const restoring = await cli(['backup', 'restore', archive, '--basedir', target]);
    expect(restoring.code, restoring.stderr).to.equal(0);
    expect(restoring.stdout).to.include(`onto ${target}`);
    for (const file of ['config.yaml', 'users.yaml', 'timelapse/cube_20261206.mp4', 'uploads/cube.gcode', 'uploads/parts/bracket.gcode']) {
      expect(fs.readFileSync(path.join(target, file)).equals(fs.readFileSync(path.join(source.basedir, file))), file).to.equal(true);
    }
    for (const file of ['config.yaml', 'users.yaml']) expect(fs.statSync(path.join(target, file)).mode, file).to.equal(fs.statSync(path.join(source.basedir, file)).mode);
    expect(fs.statSync(path.join(target, 'users.yaml')).mode & 0o077, 'users.yaml (keys) stays private').to.equal(0);

    // the events: every one the backup holds is the source's, and it holds all fired before it began
    const restoredDb = path.join(target, 'data', 'cuttle.db');
    const inBackup = eventDigest(restoredDb, Number.MAX_SAFE_INTEGER);
    expect(inBackup['last'] as number).to.be.at.least(firstSeq);
    await source.get<{ flushed(): Promise<void> }>(Symbol.for('cuttle.EventLog')).flushed();
    expect(inBackup).to.deep.equal(eventDigest(path.join(source.basedir, 'data', 'cuttle.db'), inBackup['last'] as number));
    expect(inBackup['n'] as number).to.be.at.least(EVENTS);

    const started = await startOn(target);
    restored = started.host;
    const { baseUrl } = started;
    // keys: the global one and alice's application key
    expect((await request(baseUrl, 'GET', '/api/currentuser', { key: aliceKey })).body.name).to.equal('alice');
    expect((await request(baseUrl, 'GET', '/api/version', { key: TEST_API_KEY })).status).to.equal(200);
    // printers, files, history, timelapses and pages of events answer as on the source
    const same = async (url: string, pick: (body: any) => unknown = (b) => b) => {
      const [a, b] = await Promise.all([request(source.baseUrl, 'GET', url, { key: TEST_API_KEY }), request(baseUrl, 'GET', url, { key: TEST_API_KEY })]);
      expect(b.status, url).to.equal(200);
      expect(pick(b.body), url).to.deep.equal(pick(a.body));
    };
    await same('/api/printers', (b) => b.printers.map((p: { id: string }) => p.id));
    await same('/api/files/local?recursive=true', (b) => b.files.map((f: { path: string; size?: number }) => [f.path, f.size]));
    await same('/api/history');
    await same('/api/timelapse', (b) => b.files.map((f: { name: string; bytes: number }) => [f.name, f.bytes]));
    // pages the backup holds whole: the source fired on after the archive's snapshot, so a page past its last seq differs
    for (const since of [0, 54_321, (inBackup['last'] as number) - 1000]) await same(`/api/events?since=${since}&limit=1000`);
    expect((await download(baseUrl, '/downloads/files/local/parts/bracket.gcode', aliceKey)).toString()).to.equal(GCODE);

    // the seq goes on past every seq the source had handed out
    const restoredBus = restored.get<EventBus>(EventBus);
    restoredBus.fire('ZChange', { old: 1, new: 2 });
    expect(restoredBus.lastSeq).to.be.greaterThan(lastSeqOfSource);
  });

  it('refuses to restore onto a basedir that holds files unless forced; forced, sets them aside', async () => {
    const target = path.join(work, 'occupied');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'config.yaml'), 'api: {key: old}\n');
    const before = fingerprint(target);
    const refused = await restoreBackup(archive, target).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(refused).to.be.instanceOf(BackupError);
    expect(refused!.message).to.include('is not empty').and.include('force');
    expect(fingerprint(target)).to.deep.equal(before);
    const forced = await restoreBackup(archive, target, { force: true });
    expect(fs.readFileSync(path.join(forced.setAside!, 'config.yaml'), 'utf8')).to.equal('api: {key: old}\n');
    expect(fs.readFileSync(path.join(target, 'config.yaml')).equals(fs.readFileSync(path.join(source.basedir, 'config.yaml')))).to.equal(true);
  });

  it('restores through the API: checked while the host runs, refused with the reason and nothing changed, else applied at the restart it asks for; each step is an event', async () => {
    // the backup the first test made through the API was an event, with OctoPrint's payload
    await source.get<{ flushed(): Promise<void> }>(Symbol.for('cuttle.EventLog')).flushed();
    const createdEvents = source.get<HostDatabase>(HostDatabase).db.prepare("SELECT payload FROM events WHERE type = 'plugin_backup_backup_created'").all() as { payload: string }[];
    expect(createdEvents.map((row) => JSON.parse(row.payload))).to.deep.equal([{ name: path.basename(archive), path: path.join(source.basedir, 'data', 'backups', path.basename(archive)), excludes: [] }]);

    const basedir = path.join(work, 'restored');
    const host = restored!;
    const baseUrl = host.get<HttpServer>(HttpServer).baseUrl();
    const events = recordEvents(host);
    const restarts: string[] = [];
    host.get<HostRestart>(HostRestart).onDidRequest(({ reason }) => restarts.push(reason));
    // a file that came after the backup: the restore takes the host back to the backup's state
    expect((await fetch(`${baseUrl}/api/files/local`, { method: 'POST', headers: { 'X-Api-Key': TEST_API_KEY }, body: uploadForm('after-backup.gcode', GCODE) })).status).to.equal(201);
    const restore = (body: FormData | object) =>
      body instanceof FormData
        ? fetch(`${baseUrl}/api/backup/restore`, { method: 'POST', headers: { 'X-Api-Key': TEST_API_KEY }, body })
        : fetch(`${baseUrl}/api/backup/restore`, { method: 'POST', headers: { 'X-Api-Key': TEST_API_KEY, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const archiveForm = (data: Buffer, filename: string) => {
      const form = new FormData();
      form.append('file', new Blob([data]), filename);
      return form;
    };
    const leftovers = () => fs.readdirSync(basedir).filter((name) => name.startsWith('.cuttle-restore'));

    const foreign = await restore(archiveForm(Buffer.from('not a backup\n'.repeat(50)), 'foreign.tar.gz'));
    expect(foreign.status).to.equal(400);
    expect(((await foreign.json()) as { error: string }).error).to.include('is not a cuttle backup').and.include('nothing was restored');
    expect((await restore({ path: 'cuttle-backup-20200101-000000.tar.gz' })).status).to.equal(404);
    expect((await restore({})).status).to.equal(400);
    expect((await fetch(`${baseUrl}/api/backup/restore`, { method: 'POST', headers: { 'X-Api-Key': aliceKey, 'Content-Type': 'application/json' }, body: '{"path":"x"}' })).status, 'not an admin').to.equal(403);
    expect(leftovers(), 'a refused archive leaves nothing').to.deep.equal([]);
    expect(restarts).to.deep.equal([]);
    expect(fs.readdirSync(path.join(basedir, 'data', 'backups')).filter((n) => n.includes('upload')), 'the upload is removed').to.deep.equal([]);

    const accepted = await restore(archiveForm(fs.readFileSync(archive), 'moved-host.tar.gz'));
    expect(accepted.status, await accepted.clone().text()).to.equal(202);
    expect(await accepted.json()).to.include({ name: 'moved-host.tar.gz', restarting: true });
    await waitFor(() => restarts.length > 0, 5000, 'the restart the restore asks for');
    expect(restarts).to.deep.equal(['restoring moved-host.tar.gz']);
    expect(events.names(['plugin_backup_restore_started', 'plugin_backup_restore_failed', 'plugin_backup_restore_done'])).to.deep.equal([
      'plugin_backup_restore_started',
      'plugin_backup_restore_failed',
      'plugin_backup_restore_started',
      'plugin_backup_restore_done',
    ]);
    expect(events.payloads('plugin_backup_restore_failed')[0]).to.include({ name: 'foreign.tar.gz' });
    expect(leftovers()).to.deep.equal(['.cuttle-restore-pending']);
    expect(fs.existsSync(path.join(basedir, 'uploads', 'after-backup.gcode')), 'nothing applied while the host runs').to.equal(true);

    // what cuttle serve does on the restart: stop, apply the pending restore, start on the same basedir
    await host.stop();
    restored = undefined;
    const applied = await applyPendingRestore(basedir);
    expect(leftovers()).to.deep.equal([]);
    expect(fs.existsSync(path.join(applied!.setAside!, 'uploads', 'after-backup.gcode')), 'the old basedir is set aside').to.equal(true);
    expect(fs.existsSync(path.join(basedir, 'uploads', 'after-backup.gcode'))).to.equal(false);
    restored = (await startOn(basedir)).host;
    const again = restored.get<HttpServer>(HttpServer).baseUrl();
    expect((await request(again, 'GET', '/api/currentuser', { key: aliceKey })).body.name).to.equal('alice');
    expect((await download(again, '/downloads/files/local/cube.gcode', TEST_API_KEY)).toString()).to.equal(GCODE);

    // a listed backup by name, as OctoPrint's client asks for it
    const byName = await request(source.baseUrl, 'POST', '/api/backup/restore', { key: TEST_API_KEY, body: { path: path.basename(archive) } });
    expect(byName.status, JSON.stringify(byName.body)).to.equal(202);
    expect(fs.existsSync(path.join(source.basedir, '.cuttle-restore-pending', 'users.yaml'))).to.equal(true);
    fs.rmSync(path.join(source.basedir, '.cuttle-restore-pending'), { recursive: true });
  });

  it('cuttle serve carries the restart out: it exits with 75 (the unit restarts it), and started again serves the restored basedir', async () => {
    const dir = fs.mkdtempSync(path.join(work, 'serve-'));
    fs.writeFileSync(path.join(dir, 'config.yaml'), `api:\n  key: ${TEST_API_KEY}\n`);
    const serve = () => {
      const child = spawn(process.execPath, [CLI_MAIN, 'serve', '--basedir', dir, '--host', '127.0.0.1', '--port', '0'], { stdio: 'ignore' });
      return { child, exited: new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))) };
    };
    const listening = () => waitFor(() => findRunningHost(dir)?.url, 20_000, 'cuttle serve to listen');
    const first = serve();
    let second: ReturnType<typeof serve> | undefined;
    try {
      const url = await listening();
      const form = new FormData();
      form.append('file', new Blob([craftArchive([{ name: 'basedir/config.yaml', data: 'api:\n  key: restored-key-0123456789abcdef\n' }])]), 'other-host.tar.gz');
      const accepted = await fetch(`${url}/api/backup/restore`, { method: 'POST', headers: { 'X-Api-Key': TEST_API_KEY }, body: form });
      expect(accepted.status, await accepted.clone().text()).to.equal(202);
      expect(await first.exited).to.equal(RESTART_EXIT_CODE);
      second = serve();
      const again = await listening();
      expect((await fetch(`${again}/api/version`, { headers: { 'X-Api-Key': 'restored-key-0123456789abcdef' } })).status, "the restored config's key").to.equal(200);
      expect((await fetch(`${again}/api/version`, { headers: { 'X-Api-Key': TEST_API_KEY } })).status, 'the old key is gone').to.be.oneOf([401, 403]);
      expect(fs.readdirSync(dir).filter((name) => name.startsWith('.cuttle-before-restore-')), 'the old basedir is set aside').to.have.length(1);
    } finally {
      for (const run of [first, second]) {
        run?.child.kill('SIGTERM');
        await run?.exited;
      }
    }
  });

  it('keeps long and non-ASCII names, modes and times (pax headers past 100 bytes)', async () => {
    const from = path.join(work, 'names');
    const long = `uploads/${'deep-folder-name/'.repeat(8)}${'ß'.repeat(60)} cube ✓.gcode`;
    fs.mkdirSync(path.dirname(path.join(from, long)), { recursive: true });
    fs.writeFileSync(path.join(from, long), GCODE);
    fs.writeFileSync(path.join(from, 'users.yaml'), 'users: {}\n', { mode: 0o600 });
    fs.utimesSync(path.join(from, long), 1_600_000_000, 1_600_000_000);
    const output = path.join(work, 'names.tar.gz');
    await writeBackup({ basedir: from, skip: [], extra: [], excluded: [], notes: [], cuttleVersion: 'test' }, output);
    const to = path.join(work, 'names-restored');
    await restoreBackup(output, to);
    expect(fingerprint(to)).to.deep.equal(fingerprint(from));
    expect(fs.statSync(path.join(to, long)).mtimeMs).to.equal(1_600_000_000_000);
    expect(fs.statSync(path.join(to, 'users.yaml')).mode & 0o777).to.equal(0o600);
  });

  it('restores files whose gzip members straddle the reader\'s 4 MB reads, byte for byte', async () => {
    const from = path.join(work, 'straddle');
    fs.mkdirSync(path.join(from, 'uploads'), { recursive: true });
    // random bytes do not compress: members of about 1 MiB each, several across each 4 MB read
    fs.writeFileSync(path.join(from, 'uploads', 'noise.bin'), randomBytes(9 * 1024 * 1024 + 321));
    const output = path.join(work, 'straddle.tar.gz');
    await writeBackup({ basedir: from, skip: [], extra: [], excluded: [], notes: [], cuttleVersion: 'test' }, output);
    const to = path.join(work, 'straddle-restored');
    await restoreBackup(output, to);
    expect(fingerprint(to)).to.deep.equal(fingerprint(from));
  });

  describe('a damaged, foreign or hostile archive is refused and changes nothing', () => {
    const refusals: [string, () => Buffer, RegExp][] = [
      ['a truncated archive', () => fs.readFileSync(archive).subarray(0, Math.floor(fs.statSync(archive).size / 2)), /is truncated/],
      [
        'a byte changed in the compressed stream',
        () => {
          const bytes = Buffer.from(fs.readFileSync(archive));
          bytes[Math.floor(bytes.length / 3)]! ^= 0x55;
          return bytes;
        },
        /is (damaged|truncated|refused)/,
      ],
      [
        'a byte changed in a file, recompressed',
        () => {
          const tar = gunzipSync(fs.readFileSync(archive));
          const at = tar.indexOf('G1 X10 Y10');
          tar[at + 3] = 'Y'.charCodeAt(0);
          return gzipSync(tar);
        },
        /"basedir\/uploads\/[^"]+" does not match the manifest/,
      ],
      ['a foreign file', () => Buffer.from('this is not a backup\n'.repeat(100)), /is not a cuttle backup/],
      ['a foreign tar', () => craftArchive([{ name: 'etc/passwd', data: 'root:x:0:0' }], { header: false }), /is not a cuttle backup/],
      ['an entry with ../', () => craftArchive([{ name: 'basedir/config.yaml', data: 'api: {}' }, { name: 'basedir/../../escaped.txt', data: 'out' }]), /could lead outside the basedir/],
      ['an absolute path', () => craftArchive([{ name: '/tmp/escaped.txt', data: 'out' }]), /not under basedir\//],
      ['a symbolic link', () => craftArchive([{ name: 'basedir/uploads/passwd', flag: '2' }]), /is a symbolic link/],
      ['a manifest that lists a file the archive lacks', () => missingEntry(), /"basedir\/b.txt" is in the manifest but not in the archive/],
    ];

    /** An archive without one of its entries, its manifest still listing it. */
    function missingEntry(): Buffer {
      const crafted = gunzipSync(craftArchive([{ name: 'basedir/a.txt', data: 'a' }, { name: 'basedir/b.txt', data: 'b' }]));
      // drop basedir/b.txt (its header block and one data block): the manifest still lists it
      const at = crafted.indexOf('basedir/b.txt');
      return gzipSync(Buffer.concat([crafted.subarray(0, at), crafted.subarray(at + 1024)]));
    }

    for (const [what, make, reason] of refusals) {
      it(what, async () => {
        const file = path.join(work, `bad-${what.replace(/\W+/g, '-')}.tar.gz`);
        fs.writeFileSync(file, make());
        const fresh = path.join(work, `fresh-${what.replace(/\W+/g, '-')}`);
        const occupied = fs.mkdtempSync(path.join(work, 'occupied-'));
        fs.writeFileSync(path.join(occupied, 'config.yaml'), 'api: {key: keep}\n');
        const before = fingerprint(occupied);
        for (const [target, force] of [
          [fresh, false],
          [occupied, true],
        ] as const) {
          const err = await restoreBackup(file, target, { force }).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(err, `${what} onto ${target}`).to.be.instanceOf(BackupError);
          expect((err as Error).message).to.match(reason).and.include('nothing was restored');
        }
        expect(fs.existsSync(fresh), 'a new basedir is not even created').to.equal(false);
        expect(fingerprint(occupied)).to.deep.equal(before);
        expect(fs.existsSync(path.join(work, 'escaped.txt'))).to.equal(false);
      });
    }

    it('through the CLI: exit 1 and the reason', async () => {
      const file = path.join(work, 'foreign.tar.gz');
      fs.writeFileSync(file, 'not a backup');
      const r = await cli(['backup', 'restore', file, '--basedir', path.join(work, 'never')]);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.include('foreign.tar.gz is not a cuttle backup');
      expect(fs.existsSync(path.join(work, 'never'))).to.equal(false);
    });
  });

  it('cuttle backup create shows its progress on a terminal (run under script(1) for a pty), and nothing of it in a pipe', () => {
    const output = path.join(work, 'on-a-terminal.tar.gz');
    const command = [process.execPath, CLI_MAIN, 'backup', 'create', '--basedir', source.basedir, '--exclude', 'uploads', '--output', output].map((a) => `'${a}'`).join(' ');
    const run = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stdout).to.equal(0);
    expect(run.stdout).to.match(/\rcuttle backup: \d+ %/).and.include('cuttle backup: 100 %').and.include(`wrote ${output}`);
    const piped = spawnSync(process.execPath, [CLI_MAIN, 'backup', 'create', '--basedir', source.basedir, '--exclude', 'uploads', '--output', `${output}.piped`], { encoding: 'utf8', timeout: 60_000 });
    expect(piped.status, piped.stderr).to.equal(0);
    expect(piped.stderr).to.not.include('%');
  });

  it('cuttle backup create --exclude leaves uploads and timelapses out; the API is for admins, and deletes', async () => {
    const output = path.join(work, 'small.tar.gz');
    const r = await cli(['backup', 'create', '--basedir', source.basedir, '--exclude', 'uploads,timelapses', '--output', output]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include('without uploads and timelapses');
    const target = path.join(work, 'small');
    await restoreBackup(output, target);
    expect(fs.existsSync(path.join(target, 'users.yaml'))).to.equal(true);
    expect(fs.existsSync(path.join(target, 'uploads'))).to.equal(false);
    expect(fs.existsSync(path.join(target, 'timelapse'))).to.equal(false);
    expect(() => parseParts(['uploads,printers'])).to.throw(BackupError, 'cannot exclude "printers"');
    expect(parseParts(['timelapse', 'uploads,timelapses'])).to.deep.equal(['timelapses', 'uploads']);

    const [first, second] = await Promise.all([
      request(source.baseUrl, 'POST', '/api/backup', { key: TEST_API_KEY, body: { exclude: ['uploads', 'timelapses'] } }),
      request(source.baseUrl, 'POST', '/api/backup', { key: TEST_API_KEY, body: { exclude: ['uploads'] } }),
    ]);
    expect([first.status, second.status].sort(), 'one backup at a time').to.deep.equal([201, 409]);
    expect((await request(source.baseUrl, 'GET', '/api/backup', { key: aliceKey })).status, 'a user who is not an admin').to.equal(403);
    const listed = (await request(source.baseUrl, 'GET', '/api/backup', { key: TEST_API_KEY })).body.backups as { name: string }[];
    expect((await request(source.baseUrl, 'DELETE', `/api/backup/${listed[0]!.name}`, { key: aliceKey })).status).to.equal(403);
    expect((await request(source.baseUrl, 'DELETE', `/api/backup/${listed[0]!.name}`, { key: TEST_API_KEY })).status).to.equal(204);
    expect((await request(source.baseUrl, 'GET', `/api/backup/${listed[0]!.name}`, { key: TEST_API_KEY })).status).to.equal(404);
    expect((await request(source.baseUrl, 'GET', '/api/backup/..%2Fconfig.yaml', { key: TEST_API_KEY })).status).to.equal(404);
    expect((await request(source.baseUrl, 'POST', '/api/backup', { key: TEST_API_KEY, body: { exclude: 'uploads' } })).status).to.equal(400);
  });

  it("OctoPrint's backup plugin API (/plugin/backup): the shapes its UI reads, create → list → download → delete, its push messages, admins only", async () => {
    const base = source.baseUrl;
    const key = TEST_API_KEY;
    const socket = await openPushClient(base, 'sockjs-websocket');
    try {
      const login = await request(base, 'POST', '/api/login', { key, body: { passive: true } });
      socket.send({ auth: `${login.body.name}:${login.body.session}` });
      await socket.next('history');
      /** the `backup` plugin messages the socket got from index `from` on, as OctoPrint's UI takes them */
      const seen = (from: number) => socket.messages.slice(from).filter((m) => m.type === 'plugin' && m.data.plugin === 'backup').map((m) => m.data.data as Record<string, unknown>);

      // what the plugin's settings page reads as it opens (the client's blueprint URL ends in a slash)
      const state = await request(base, 'GET', '/plugin/backup/', { key });
      expect(state.status, JSON.stringify(state.body)).to.equal(200);
      expect(state.body).to.include({ backup_in_progress: false, restore_supported: true });
      expect(state.body.unknown_plugins).to.deep.equal([]);
      expect(state.body.backups).to.be.an('array');
      expect(state.body.max_upload_size).to.be.a('number').above(1024 ** 3);
      expect(state.body.free_temp_space).to.be.a('number').above(0);
      expect((await request(base, 'GET', '/plugin/backup/unknown_plugins', { key })).body).to.deep.equal({ unknown_plugins: [] });
      expect((await request(base, 'DELETE', '/plugin/backup/unknown_plugins', { key })).status).to.equal(204);

      // create: answered before the archive is written, then backup_started and backup_done by push
      let from = socket.messages.length;
      const created = await request(base, 'POST', '/plugin/backup/backup', { key, body: { exclude: ['uploads', 'timelapse'] } });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const name = created.body.name as string;
      expect(name).to.match(/^cuttle-backup-\d{8}-\d{6}(-\d+)?\.tar\.gz$/);
      expect(created.body).to.deep.equal({ started: true, name });
      await waitFor(() => seen(from).some((m) => m.type === 'backup_done'), 30_000, 'backup_done');
      const told = seen(from);
      expect(told[0]).to.deep.equal({ type: 'backup_started', name });
      expect(told[told.length - 1]).to.deep.equal({ type: 'backup_done', name });
      // between them backup_progress, as OctoPrint 2 sends it: the share of the files' bytes, here at each whole percent
      const progress = told.slice(1, -1);
      expect(progress.every((m) => m.type === 'backup_progress' && m.name === name && Object.keys(m).length === 3)).to.equal(true);
      const shares = progress.map((m) => m.progress as number);
      expect(shares[0]).to.equal(0);
      expect(shares[shares.length - 1]).to.equal(1);
      expect(shares.every((p, i) => i === 0 || p > shares[i - 1]!), `rising: ${shares.join(' ')}`).to.equal(true);
      // the database snapshot (100 000 events, several MB) alone passes many percents; never more than 101 messages
      expect(shares.length).to.be.within(10, 101);

      // list: OctoPrint's fields, its url the download route
      const file = path.join(source.basedir, 'data', 'backups', name);
      const listed = (await request(base, 'GET', '/plugin/backup/backup', { key })).body.backups as Record<string, unknown>[];
      const entry = listed.find((b) => b.name === name)!;
      expect(entry).to.deep.equal({ name, date: entry.date, size: fs.statSync(file).size, uncompressed: -1, version: '?', url: `/plugin/backup/download/${name}` });
      expect(entry.date).to.be.closeTo(fs.statSync(file).mtimeMs / 1000, 0.01);

      // download: the archive written, which left the uploads out as asked
      const bytes = await download(base, entry.url as string, key);
      expect(bytes.equals(fs.readFileSync(file))).to.equal(true);
      const downloaded = path.join(work, 'octoprint-api.tar.gz');
      fs.writeFileSync(downloaded, bytes);
      const target = path.join(work, 'octoprint-api');
      await restoreBackup(downloaded, target);
      expect(fs.existsSync(path.join(target, 'users.yaml'))).to.equal(true);
      expect(fs.existsSync(path.join(target, 'uploads')), 'uploads excluded').to.equal(false);

      // bad input, and one backup at a time
      const unknownPart = await request(base, 'POST', '/plugin/backup/backup', { key, body: { exclude: ['printers'] } });
      expect(unknownPart.status).to.equal(400);
      expect(unknownPart.body.error).to.include('cannot exclude "printers"');
      expect((await request(base, 'POST', '/plugin/backup/backup', { key, body: { exclude: 'uploads' } })).status).to.equal(400);
      from = socket.messages.length;
      const both = await Promise.all([0, 1].map(() => request(base, 'POST', '/plugin/backup/backup', { key, body: { exclude: ['uploads'] } })));
      expect(both.map((r) => r.status).sort(), 'one backup at a time').to.deep.equal([201, 409]);
      const second = both.find((r) => r.status === 201)!.body.name as string;
      await waitFor(() => seen(from).some((m) => m.type === 'backup_done'), 30_000, 'backup_done');

      // restore: a missing name, no source, a foreign archive (its reason by push), a listed backup (pending, the host restarts)
      expect((await request(base, 'POST', '/plugin/backup/restore', { key, body: { path: 'cuttle-backup-20200101-000000.tar.gz' } })).status).to.equal(404);
      expect((await request(base, 'POST', '/plugin/backup/restore', { key, body: {} })).status).to.equal(400);
      from = socket.messages.length;
      const form = new FormData();
      form.append('file', new Blob([Buffer.from('not a backup\n'.repeat(50))]), 'foreign.tar.gz');
      const foreign = await fetch(`${base}/plugin/backup/restore`, { method: 'POST', headers: { 'X-Api-Key': key }, body: form });
      expect(foreign.status).to.equal(400);
      expect(((await foreign.json()) as { error: string }).error).to.include('is not a cuttle backup');
      await waitFor(() => seen(from).some((m) => m.type === 'restore_failed'), 5000, 'restore_failed');
      const failed = seen(from);
      expect(failed.map((m) => m.type)).to.deep.equal(['restore_started', 'logline', 'restore_failed']);
      expect(failed[1]).to.include({ stream: 'stderr' });
      expect(failed[1]!.line).to.include('is not a cuttle backup');
      from = socket.messages.length;
      const restore = await request(base, 'POST', '/plugin/backup/restore', { key, body: { path: second } });
      expect(restore.status, JSON.stringify(restore.body)).to.equal(200);
      expect(restore.body).to.include({ started: true, name: second });
      await waitFor(() => seen(from).some((m) => m.type === 'restore_done'), 5000, 'restore_done');
      expect(seen(from).map((m) => m.type)).to.deep.equal(['restore_started', 'restore_done']);
      fs.rmSync(path.join(source.basedir, '.cuttle-restore-pending'), { recursive: true });

      // a user who is not an admin reaches none of it
      for (const [method, url] of [
        ['GET', '/plugin/backup'],
        ['GET', '/plugin/backup/backup'],
        ['POST', '/plugin/backup/backup'],
        ['GET', `/plugin/backup/download/${name}`],
        ['DELETE', `/plugin/backup/backup/${name}`],
        ['POST', '/plugin/backup/restore'],
      ] as const) {
        expect((await request(base, method, url, { key: aliceKey, body: method === 'POST' ? { path: name } : undefined })).status, `${method} ${url} as alice`).to.equal(403);
      }

      // delete: gone from the list and the download
      for (const n of [name, second]) expect((await request(base, 'DELETE', `/plugin/backup/backup/${n}`, { key })).status).to.equal(204);
      expect(((await request(base, 'GET', '/plugin/backup/backup', { key })).body.backups as { name: string }[]).map((b) => b.name)).to.not.include.members([name, second]);
      expect((await request(base, 'GET', `/plugin/backup/download/${name}`, { key })).status).to.equal(404);
      expect((await request(base, 'DELETE', `/plugin/backup/backup/${name}`, { key })).status).to.equal(404);
      expect((await request(base, 'GET', '/plugin/backup/download/..%2Fconfig.yaml', { key })).status).to.equal(404);
    } finally {
      socket.close();
    }
  });

  it("a restore and a download need the password entered within the last minutes, as OctoPrint asks; an API key is not asked, and POST /api/login with the session's user and password renews it", async () => {
    const base = source.baseUrl;
    const auth = source.get<AuthManager>(AuthManager);
    await new UserStore(source.basedir).add('ada', { password: 'ada-password-1', groups: ['admins'] });
    const login = await request(base, 'POST', '/api/login', { body: { user: 'ada', pass: 'ada-password-1' } });
    expect(login.status, JSON.stringify(login.body)).to.equal(200);
    const session = login.body.session as string;
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('cuttle_session='))!;
    const asCookie = { Cookie: cookie, 'X-CSRF-Token': login.body.csrfToken as string };
    // each guarded route with a name no backup has: past the password check it answers 404
    const missing = 'cuttle-backup-20200101-000000.tar.gz';
    const guarded = [
      ['POST', '/api/backup/restore'],
      ['POST', '/plugin/backup/restore'],
      ['GET', `/api/backup/${missing}`],
      ['GET', `/plugin/backup/download/${missing}`],
    ] as const;
    const configured = auth.options.reauthenticationMs;
    expect(configured, 'accessControl.reauthenticationTimeoutMinutes: 5 by default, as OctoPrint').to.equal(5 * 60_000);
    const statuses = async (credentials: { key?: string; headers?: Record<string, string> }) =>
      Promise.all(guarded.map(async ([method, url]) => (await request(base, method, url, { ...credentials, body: method === 'POST' ? { path: missing } : undefined })).status));

    expect(await statuses({ key: session }), 'password just entered').to.deep.equal([404, 404, 404, 404]);
    expect(await statuses({ headers: asCookie }), 'the same, by the cookie').to.deep.equal([404, 404, 404, 404]);
    expect((await request(base, 'POST', '/api/login', { key: session, body: { passive: true } })).body).to.include({ _login_mechanism: 'password' });
    try {
      auth.options.reauthenticationMs = 1;
      await waitFor(async () => (await request(base, 'POST', '/api/backup/restore', { key: session, body: { path: missing } })).status === 403, 5000, 'the password check going stale');
      expect(await statuses({ key: session })).to.deep.equal([403, 403, 403, 403]);
      expect(await statuses({ headers: asCookie })).to.deep.equal([403, 403, 403, 403]);
      const refused = await request(base, 'POST', '/plugin/backup/restore', { key: session, body: { path: missing } });
      expect(refused.body).to.include({ reauthenticate: true });
      expect(refused.body.error).to.include('reauthenticate');
      expect(fs.existsSync(path.join(source.basedir, '.cuttle-restore-pending')), 'nothing was started').to.equal(false);
      // what OctoPrint does not guard stays open to the session: the list, creating, deleting
      expect((await request(base, 'GET', '/api/backup', { key: session })).status).to.equal(200);
      expect((await request(base, 'GET', '/plugin/backup/backup', { key: session })).status).to.equal(200);
      // an API key is the credential itself, sent with every request (OctoPrint's LoginMechanism.APIKEY is never asked), and so is a session a key made
      expect(await statuses({ key: TEST_API_KEY })).to.deep.equal([404, 404, 404, 404]);
      const keySession = await request(base, 'POST', '/api/login', { key: TEST_API_KEY, body: { passive: true } });
      expect(keySession.body).to.include({ _login_mechanism: 'apikey' });
      expect(await statuses({ key: keySession.body.session as string })).to.deep.equal([404, 404, 404, 404]);

      // entering the password again: a wrong one changes nothing; the right one renews this very session (its push sockets and cookie go on)
      expect((await request(base, 'POST', '/api/login', { key: session, body: { user: 'ada', pass: 'wrong' } })).status).to.equal(403);
      expect(await statuses({ key: session })).to.deep.equal([403, 403, 403, 403]);
      const before = auth.loginMechanism({ ...auth.authenticateKey(session)!, session }).credentialsSeen.getTime();
      const sent = Date.now();
      const again = await request(base, 'POST', '/api/login', { key: session, body: { user: 'ada', pass: 'ada-password-1' } });
      expect(again.status).to.equal(200);
      expect(again.body).to.include({ session, _login_mechanism: 'password' });
      const renewed = auth.loginMechanism({ ...auth.authenticateKey(session)!, session }).credentialsSeen.getTime();
      expect(renewed).to.be.above(before).and.at.least(sent);
      // another user's password with this session is a login of its own, not this session's renewal
      const other = await request(base, 'POST', '/api/login', { key: session, body: { user: 'alice', pass: 'alice-password-1' } });
      expect(other.status).to.equal(200);
      expect(other.body.session).to.not.equal(session);
    } finally {
      auth.options.reauthenticationMs = configured;
    }
    expect(await statuses({ key: session }), 'renewed, within the configured 5 minutes').to.deep.equal([404, 404, 404, 404]);
    auth.deleteUser('ada');
  });

  // last: it stops the source host
  describe('stopping', () => {
    it('a host that stops mid-backup abandons it at once, and what unfinished backups and restore checks left is swept at the next start', async () => {
      const folder = path.join(source.basedir, 'data', 'backups');
      const leftover = path.join(folder, '.cuttle-backup-20200101-000000.tar.gz.999999999.partial');
      fs.writeFileSync(leftover, 'left by a killed process');
      // enough data that the backup is still being written when the host is told to stop
      fs.writeFileSync(path.join(source.basedir, 'uploads', 'big.gcode'), randomBytes(64 * 1024 * 1024));
      const archives = () => fs.readdirSync(folder).filter((name) => name.endsWith('.tar.gz'));
      const before = archives();
      const answer = request(source.baseUrl, 'POST', '/api/backup', { key: TEST_API_KEY, body: {} }).catch((err: unknown) => err);
      const mine = new RegExp(`\\.${process.pid}\\.partial$`);
      await waitFor(() => fs.readdirSync(folder).some((name) => mine.test(name)), 20_000, 'the backup to be under way');
      await source.host.stop();
      const answered = await answer;
      expect((answered as { status?: number }).status, 'the backup did not finish').to.not.equal(201);
      expect(archives(), 'no archive was added').to.deep.equal(before);
      // a restore's check cut short leaves its staging folder; a pending restore waits for cuttle serve
      const staging = path.join(source.basedir, '.cuttle-restore-AbC123');
      const pending = path.join(source.basedir, '.cuttle-restore-pending');
      for (const folder of [staging, pending]) fs.mkdirSync(folder, { recursive: true });
      const again = await startOn(source.basedir);
      await again.host.stop();
      expect(fs.existsSync(leftover), 'a dead process\'s partial backup is swept').to.equal(false);
      expect(fs.existsSync(staging), "an unfinished restore check's folder is swept").to.equal(false);
      expect(fs.existsSync(pending), 'a pending restore is kept').to.equal(true);
    });
  });
});
