/**
 * Scale-out: two real cuttle processes joined through a real redis-server (started here on a free
 * port) with `push.redis.url`. A push client on either process receives the other's broadcasts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { TEST_API_KEY, writeConfig } from '../support/host.js';
import { pushClient, type RecordingClient } from './support.js';
import { freePort } from '../support/free-port.js';
import { waitFor } from '../support/wait.js';

const MAIN = path.resolve(__dirname, '..', '..', 'core', 'cli', 'main.js');

/** Spawns and resolves once `ready` matches a line of its output. */
function start(command: string, args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(ready);
      if (match) resolve({ child, match });
    };
    child.stdout!.on('data', onData);
    if (process.env['DEBUG_REDIS_TEST']) child.stdout!.on('data', (c: Buffer) => process.stdout.write(`[${command.slice(-6)} ${child.pid}] ${c}`));
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}: ${output.slice(-2000)}`)));
  });
}

function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

describe('push cluster over redis', function () {
  this.timeout(60000);
  const children: ChildProcess[] = [];
  const basedirs: string[] = [];
  const clients: RecordingClient[] = [];
  const urls: string[] = [];

  before(async () => {
    const redisPort = await freePort();
    const redis = await start('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], /Ready to accept connections/);
    children.push(redis.child);
    for (let i = 0; i < 2; i++) {
      const basedir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-redis-'));
      basedirs.push(basedir);
      writeConfig(basedir, { api: { key: TEST_API_KEY }, push: { redis: { url: `redis://127.0.0.1:${redisPort}` } } });
      const cuttle = await start(process.execPath, [MAIN, 'serve', '--basedir', basedir, '--host', '127.0.0.1', '--port', '0'], /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"listening"/);
      children.push(cuttle.child);
      urls.push(cuttle.match[1]!);
    }
    // both cuttles have joined the cluster once they are ready (every service started, Startup fired)
    for (const url of urls) await waitFor(async () => (await fetch(`${url}/readyz`)).status === 200, 20_000, `${url} ready`);
  });
  after(async () => {
    for (const c of clients) c.close();
    for (const child of children.reverse()) await stop(child);
    for (const dir of basedirs) rmSync(dir, { recursive: true, force: true });
  });

  it('delivers each process\'s broadcasts to push clients of the other', async () => {
    const [a, b] = urls as [string, string];
    const watchA = pushClient(a, { apikey: TEST_API_KEY });
    const watchB = pushClient(b, { apikey: TEST_API_KEY });
    clients.push(watchA, watchB);
    await waitFor(() => watchA.of('history').length === 1 && watchB.of('history').length === 1, 10000, 'both watchers');
    const nodeA = watchA.of('connected')[0]!['node'];
    const nodeB = watchB.of('connected')[0]!['node'];
    expect(nodeA).to.be.a('string');
    expect(nodeA).to.not.equal(nodeB);

    // a client opening on A fires ClientOpened on A's bus: both watchers must see it (and B's likewise)
    const count = (w: RecordingClient, node: unknown, type: string) => w.of('event').filter((e) => e['node'] === node && e['type'] === type).length;
    const seen = (node: unknown, type: string) => [count(watchA, node, type), count(watchB, node, type)];
    for (const [url, node] of [[a, nodeA], [b, nodeB]] as const) {
      const [beforeA, beforeB] = seen(node, 'ClientOpened');
      const probe = pushClient(url, { apikey: TEST_API_KEY });
      clients.push(probe);
      await waitFor(() => probe.of('history').length === 1, 10000, 'probe connected');
      await waitFor(() => count(watchA, node, 'ClientOpened') > beforeA! && count(watchB, node, 'ClientOpened') > beforeB!, 10000, `${url}'s ClientOpened on both`);
      const [closedA, closedB] = seen(node, 'ClientClosed');
      probe.close();
      await waitFor(() => count(watchA, node, 'ClientClosed') > closedA! && count(watchB, node, 'ClientClosed') > closedB!, 10000, `${url}'s ClientClosed on both`);
    }
    // a relayed event arrives once, not once per node
    const opened = watchB.of('event').filter((e) => e['node'] === nodeA && e['type'] === 'ClientOpened');
    expect(new Set(opened.map((e) => e['seq'])).size).to.equal(opened.length);
  });
});
