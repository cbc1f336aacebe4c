/** The public API's types reject wrong payload keys, unknown events and unknown hook points at compile time. */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { APP_ROOT } from '../../core/host.js';

describe('public API typing', function () {
  this.timeout(60000);

  it('fails to compile exactly the lines marked EXPECT-ERROR', () => {
    const fixture = path.join(APP_ROOT, 'test/fixtures/types/payload-typing.fixture.ts');
    const dir = mkdtempSync(path.join(APP_ROOT, '.typecheck-'));
    try {
      copyFileSync(fixture, path.join(dir, 'fixture.ts'));
      writeFileSync(
        path.join(dir, 'tsconfig.json'),
        JSON.stringify({ extends: '../tsconfig.json', compilerOptions: { noEmit: true, incremental: false, rootDir: '..' }, include: ['fixture.ts'] }),
      );
      let output = '';
      try {
        execFileSync(process.execPath, [path.join(APP_ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
      } catch (err) {
        output = String((err as { stdout?: string }).stdout ?? '');
      }
      const errorLines = new Set([...output.matchAll(/fixture\.ts\((\d+),\d+\): error/g)].map((m) => Number(m[1])));
      const expected = readFileSync(fixture, 'utf8')
        .split('\n')
        .map((line, i) => (line.includes('// EXPECT-ERROR') ? i + 1 : 0))
        .filter(Boolean);
      expect([...errorLines].sort((a, b) => a - b), output).to.deep.equal(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
