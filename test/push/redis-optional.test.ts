/**
 * redis and @socket.io/redis-adapter are optional dependencies of the push cluster: a host without
 * `push.redis.url` never loads them (checked in a fresh process, since other tests load them here).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';

const HOST = path.resolve(__dirname, '..', 'support', 'host.js');
const PKG = path.resolve(__dirname, '..', '..', '..', 'package.json');

describe('push cluster packages are optional', () => {
  it('are optionalDependencies', () => {
    const pkg = require(PKG) as { dependencies: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const name of ['redis', '@socket.io/redis-adapter']) {
      expect(pkg.dependencies, name).to.not.have.property(name);
      expect(pkg.optionalDependencies, name).to.have.property(name);
    }
  });

  it('a host without push.redis.url starts, serves push and never loads them', () => {
    const script = `
      const { startTestHost } = require(${JSON.stringify(HOST)});
      startTestHost().then(async (t) => {
        const loaded = Object.keys(require.cache).filter((f) => /node_modules\\/(redis|@redis|@socket\\.io\\/redis-adapter)\\//.test(f));
        const io = Object.keys(require.cache).some((f) => /node_modules\\/socket\\.io\\//.test(f));
        await t.stop();
        process.stdout.write(JSON.stringify({ loaded, io }));
      });
    `;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30000 })) as { loaded: string[]; io: boolean };
    expect(out.io, 'socket.io itself is loaded').to.equal(true);
    expect(out.loaded).to.deep.equal([]);
  });
});
