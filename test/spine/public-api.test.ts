/** The public API is one page: core/index.ts names at most 60 exports, each documented in docs/plugin-api.md, and no host internal. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { APP_ROOT } from '../../core/host.js';

/** Every name an entry point exports, runtime and type-only alike: `export function|interface|type|const X` and `export { … }`. */
function exportedNames(file = 'core/index.ts'): string[] {
  const source = readFileSync(path.join(APP_ROOT, file), 'utf8');
  expect(source, `${file} re-exports no whole module`).to.not.match(/export \*/);
  const declared = [...source.matchAll(/^export (?:async )?(?:function|interface|type|const|class) (\w+)/gm)].map((m) => m[1]!);
  const listed = [...source.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) =>
    m[1]!
      .split(',')
      .map((name) => name.trim().replace(/^type /, ''))
      .filter(Boolean),
  );
  return [...declared, ...listed];
}

/** The names docs/plugin-api.md lists, one per `- \`Name\`: …` line: 'cuttle''s, or those of the `cuttle/testing` section. */
function documentedNames(section: 'cuttle' | 'cuttle/testing' = 'cuttle'): string[] {
  const [main, testing] = readFileSync(path.join(APP_ROOT, 'docs/plugin-api.md'), 'utf8').split('## `cuttle/testing`');
  return [...(section === 'cuttle' ? main! : testing ?? '').matchAll(/^- `(\w+)`: \S/gm)].map((m) => m[1]!);
}

describe('public API', () => {
  it('exports at most 60 names', () => {
    const names = exportedNames();
    expect(new Set(names).size, 'no name exported twice').to.equal(names.length);
    expect(names.length).to.be.at.most(60);
  });

  it('documents every export on docs/plugin-api.md, and only those', () => {
    expect([...documentedNames()].sort()).to.deep.equal([...exportedNames()].sort());
  });

  it('documents cuttle/testing, every export of it', () => {
    expect([...documentedNames('cuttle/testing')].sort()).to.deep.equal([...exportedNames('core/testing/index.ts')].sort());
  });

  it("exports at run time only names of that list ('cuttle' as a plugin requires it)", () => {
    const runtime = Object.keys(require(path.join(APP_ROOT, 'dist/core/index.js')) as object).filter((k) => k !== '__esModule');
    expect(runtime.length).to.be.greaterThan(10);
    expect(runtime.filter((name) => !exportedNames().includes(name))).to.deep.equal([]);
  });

  it('exports no host internal', () => {
    const api = require(path.join(APP_ROOT, 'dist/core/index.js')) as Record<string, unknown>;
    for (const internal of ['pluginMembers', 'setDefaultListenerErrorHandler', 'SettingsService', 'HttpServer', 'EventBus', 'jobJson', 'progressJson', 'contributionDecorator']) {
      expect(api, internal).to.not.have.property(internal);
    }
  });

  it('is linked from the README', () => {
    expect(readFileSync(path.join(APP_ROOT, 'README.md'), 'utf8')).to.contain('docs/plugin-api.md');
  });
});
