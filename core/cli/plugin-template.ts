/**
 * The files `cuttle plugin new NAME` writes: a plugin package that installs, builds, tests and loads
 * as it is. The three traps of a hand-made one are handled here:
 *  - cuttle is not on the npm registry, so the peer dependency is optional (npm does not try to fetch
 *    it) and the development copy is a `file:` link to the cuttle that made the package;
 *  - that link is also how TypeScript finds the `cuttle` types (its package.json `types`);
 *  - the decorators need `experimentalDecorators` (and `emitDecoratorMetadata`, as cuttle uses).
 * The test starts a real `cuttle serve` with the plugin, uploads a file and waits for the plugin's log line.
 */

export interface TemplateInput {
  /** the plugin id, e.g. print-log */
  id: string;
  /** the folder of the cuttle package that writes the template */
  cuttleRoot: string;
  cuttleVersion: string;
  /** cuttle's own typescript and @types/node ranges, so the plugin builds with the same compiler */
  typescript: string;
  typesNode: string;
}

const ID = /^[a-z][a-z0-9-]{1,62}$/;

export function checkPluginId(id: string): string | undefined {
  return ID.test(id) ? undefined : `"${id}" is not a plugin id: lower-case letters, digits and dashes, starting with a letter, 2 to 63 characters`;
}

function className(id: string): string {
  return `${id.replace(/(^|-)([a-z0-9])/g, (_m, _dash: string, c: string) => c.toUpperCase())}Plugin`;
}

function title(id: string): string {
  return id.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

/** path (relative to the package folder) → content */
export function pluginTemplate(input: TemplateInput): Record<string, string> {
  const { id } = input;
  const pkg = {
    name: `cuttle-plugin-${id}`,
    version: '0.1.0',
    description: `${title(id)}: a cuttle plugin`,
    main: 'dist/index.js',
    types: 'dist/index.d.ts',
    files: ['dist', '!dist/**/*.test.*'],
    cuttle: { plugin: './dist/index.js' },
    scripts: {
      build: 'tsc -p tsconfig.json',
      test: 'npm run build && node --test dist/',
    },
    peerDependencies: { cuttle: `>=${input.cuttleVersion}` },
    peerDependenciesMeta: { cuttle: { optional: true } },
    devDependencies: {
      '@types/node': input.typesNode,
      cuttle: `file:${input.cuttleRoot}`,
      typescript: input.typescript,
    },
  };
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      strict: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      declaration: true,
      skipLibCheck: true,
      types: ['node'],
      rootDir: 'src',
      outDir: 'dist',
    },
    include: ['src'],
  };
  return {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(tsconfig, null, 2)}\n`,
    '.gitignore': 'node_modules/\ndist/\n',
    'README.md': `# cuttle-plugin-${id}

A [cuttle](${input.cuttleRoot}) plugin.

\`\`\`sh
npm install      # typescript, and cuttle linked from ${input.cuttleRoot}
npm test         # builds, then runs a real cuttle with this plugin and checks it
npx cuttle plugins --set "plugins.paths=[$PWD]"   # cuttle loads it from this folder
npx cuttle serve --set "plugins.paths=[$PWD]"     # and runs with it
\`\`\`

Its settings live under \`plugins.${id}\` in cuttle's \`config.yaml\`.
`,
    'src/index.ts': `/** ${title(id)}: logs every uploaded file and counts them. Start from here. */
import { inject, OnEvent, Plugin, PluginContext, type EventPayload } from 'cuttle';

export interface Settings {
  announce: boolean;
}

@Plugin({
  id: '${id}',
  name: '${title(id)}',
  version: '0.1.0',
  description: 'Logs every uploaded file and counts them.',
  // a convict schema: validated at start, a typo under plugins.${id} in config.yaml names the key
  settings: { announce: { doc: 'log each uploaded file', format: Boolean, default: true } },
})
export class ${className(id)} {
  private uploads = 0;

  constructor(@inject(PluginContext) private readonly ctx: PluginContext) {}

  @OnEvent('Upload')
  uploaded(payload: EventPayload<'Upload'>): void {
    this.uploads++;
    if (this.ctx.settings.get<Settings>().announce) {
      this.ctx.logger.info({ name: payload.name, path: payload.path, uploads: this.uploads }, 'file uploaded');
    }
  }
}
`,
    'src/index.test.ts': `/**
 * Runs a real cuttle with this plugin (\`cuttle serve\` on a temporary basedir, this package in
 * plugins.paths), uploads a file through the REST API and waits for the plugin's log line.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const PACKAGE = path.resolve(__dirname, '..');
const CUTTLE_ROOT = path.dirname(require.resolve('cuttle/package.json'));
const CUTTLE = path.join(CUTTLE_ROOT, (JSON.parse(readFileSync(path.join(CUTTLE_ROOT, 'package.json'), 'utf8')) as { bin: { cuttle: string } }).bin.cuttle);
const KEY = 'PluginTestKey0123456789abcdefghi';

interface LogLine {
  msg: string;
  plugin?: string;
  url?: string;
  [key: string]: unknown;
}

test('cuttle loads the plugin and it logs an upload', async () => {
  const basedir = mkdtempSync(path.join(os.tmpdir(), '${id}-test-'));
  writeFileSync(path.join(basedir, 'config.yaml'), JSON.stringify({ api: { key: KEY }, plugins: { paths: [PACKAGE] } }));
  const child = spawn(process.execPath, [CUTTLE, 'serve', '--basedir', basedir, '--host', '127.0.0.1', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: LogLine[] = [];
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const complete = buffered.split('\\n');
    buffered = complete.pop() ?? '';
    for (const line of complete) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
  });
  const waitFor = async (what: string, probe: () => LogLine | undefined): Promise<LogLine> => {
    for (const end = Date.now() + 20000; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
      const found = probe();
      if (found) return found;
      if (child.exitCode !== null) break;
    }
    throw new Error(\`no \${what} in cuttle's log:\\n\${lines.map((l) => JSON.stringify(l)).join('\\n')}\`);
  };
  try {
    await waitFor('start', () => lines.find((l) => l.msg === 'cuttle started'));
    const url = (await waitFor('url', () => lines.find((l) => l.msg === 'listening'))).url!;
    const form = new FormData();
    form.append('file', new Blob(['G28\\nG1 X10 Y10\\n']), 'hello.gcode');
    const res = await fetch(\`\${url}/api/files/local\`, { method: 'POST', headers: { 'X-Api-Key': KEY }, body: form });
    assert.equal(res.status, 201);
    const logged = await waitFor('plugin line', () => lines.find((l) => l.plugin === '${id}' && l.msg === 'file uploaded'));
    assert.equal(logged.name, 'hello.gcode');
    assert.equal(logged.uploads, 1);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(basedir, { recursive: true, force: true });
  }
});
`,
  };
}
