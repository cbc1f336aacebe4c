/** The public API's types reject wrong payload keys, unknown events and unknown hook points at compile time. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { APP_ROOT } from '../../core/host.js';

/** Type-checks `source` as a file beside the project (so 'cuttle' resolves); returns tsc's output. */
function typecheck(source: string): string {
  const dir = mkdtempSync(path.join(APP_ROOT, '.typecheck-'));
  try {
    writeFileSync(path.join(dir, 'fixture.ts'), source);
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: '../tsconfig.json', compilerOptions: { noEmit: true, incremental: false, rootDir: '..' }, include: ['fixture.ts'] }),
    );
    try {
      execFileSync(process.execPath, [path.join(APP_ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
      return '';
    } catch (err) {
      return String((err as { stdout?: string }).stdout ?? err);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('public API typing', function () {
  this.timeout(60000);

  it("compiles the README's plugin example as it stands", () => {
    const readme = readFileSync(path.join(APP_ROOT, 'README.md'), 'utf8');
    const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example, 'a ts block in the README').to.be.a('string');
    expect(typecheck(example!)).to.equal('');
  });

  it('fails to compile exactly the lines marked EXPECT-ERROR', () => {
    const fixture = path.join(APP_ROOT, 'test/fixtures/types/payload-typing.fixture.ts');
    const output = typecheck(readFileSync(fixture, 'utf8'));
    const errorLines = new Set([...output.matchAll(/fixture\.ts\((\d+),\d+\): error/g)].map((m) => Number(m[1])));
    const expected = readFileSync(fixture, 'utf8')
      .split('\n')
      .map((line, i) => (line.includes('// EXPECT-ERROR') ? i + 1 : 0))
      .filter(Boolean);
    expect([...errorLines].sort((a, b) => a - b), output).to.deep.equal(expected);
  });
});
