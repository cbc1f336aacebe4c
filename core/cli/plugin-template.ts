/**
 * The files `cuttle plugin new NAME` writes: a plugin package that installs, builds, tests and loads
 * as it is, with a panel for the web app (src/panel, built for the browser into dist/browser by tsconfig.panel.json). The code comes from templates/plugin/ (real files, type-checked with the project: the
 * sample id `my-plugin`, class `MyPlugin` and title `My plugin` are replaced); package.json and
 * tsconfig.json are made here. The three traps of a hand-made one are handled here:
 *  - cuttle is not on the npm registry, so the peer dependency is optional (npm does not try to fetch
 *    it) and the development copy is a `file:` link to the cuttle that made the package;
 *  - that link is also how TypeScript finds the `cuttle` and `cuttle/testing` types (package.json `exports`);
 *  - the decorators need `experimentalDecorators` (and `emitDecoratorMetadata`, as cuttle uses).
 * The test runs the plugin in an in-process host (cuttle/testing) with simulated printers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

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
      build: 'tsc -p tsconfig.json && tsc -p tsconfig.panel.json',
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
    // the web app's panel is built for the browser (tsconfig.panel.json)
    exclude: ['src/panel'],
  };
  const panelTsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'ES2022',
      moduleResolution: 'bundler',
      lib: ['ES2023', 'DOM'],
      strict: true,
      skipLibCheck: true,
      types: [],
      // src, not src/panel: the panel takes its settings' type from src/info.ts; dist/browser keeps the browser's files apart
      rootDir: 'src',
      outDir: 'dist/browser',
    },
    include: ['src/panel'],
  };
  const sample = path.join(input.cuttleRoot, 'templates', 'plugin');
  const files: Record<string, string> = {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(tsconfig, null, 2)}\n`,
    'tsconfig.panel.json': `${JSON.stringify(panelTsconfig, null, 2)}\n`,
  };
  for (const name of templateFiles(sample)) {
    const text = readFileSync(path.join(sample, name), 'utf8');
    // npm drops a package's .gitignore, so the template keeps it as gitignore
    files[name === 'gitignore' ? '.gitignore' : name] = text
      .replaceAll('my-plugin', id)
      .replaceAll('my_plugin', id.replaceAll('-', '_'))
      .replaceAll('MyPlugin', className(id))
      .replaceAll('My plugin', title(id))
      .replaceAll('CUTTLE_ROOT', input.cuttleRoot);
  }
  return files;
}

/** The template's files, relative to its folder, with `/` separators. */
function templateFiles(folder: string, prefix = ''): string[] {
  return readdirSync(path.join(folder, prefix), { withFileTypes: true }).flatMap((entry) => {
    const name = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? templateFiles(folder, name) : [name];
  });
}
