/**
 * `npm run bench:suite`: how long the test suite takes, and how the tree it tests is shaped.
 *
 * Runs the suite as `npm test` does (after the build: mocha with .mocharc.suite.cjs), its output passed
 * through, then prints as its LAST line one JSON object:
 *   {"suite_s":…,"tests":…,"files_spawning_host":…,"fixed_sleeps":…,"import_cycles":…,"public_exports":…}
 *
 * - suite_s: wall-clock seconds of that mocha run. tests: its "N passing" (a failing suite still prints
 *   the line, and the script exits 1).
 * - files_spawning_host: test files (test/**\/*.test.ts) that start a whole host or spawn the CLI. Roots
 *   are `startTestHost(`, `CuttleHost.create(` and a spawn of the CLI (a file naming core/cli/main.js, or
 *   `spawnHost(` / `cli(` of test/support/cli.ts); any function of a test helper module (test/, not
 *   *.test.ts) whose body calls a root is a root too, to a fixpoint (startApiHost, startPrinterHost, …).
 *   A test file counts when its code calls a root, or a script it writes (a template literal) does.
 *   `cliInProcess(` is not a spawn.
 * - fixed_sleeps: waits for a fixed time in test/ (test/fixtures/ and test/support/wait.ts, the one
 *   polling helper, excepted), counted at each site in the code (comments and strings do not count):
 *   `setTimeout(IDENT, …)` (a promise's resolve: `new Promise((r) => setTimeout(r, 200))`),
 *   `setTimeout(() => IDENT(), …)` (the same, wrapped), and calls of `sleep(` or `delay(` (helpers of
 *   that name, wherever defined). A timer that rejects or resolves with a value (a deadline:
 *   `setTimeout(() => reject(new Error(…)), ms)`) or acts (a kill -9 scheduled a few ms into a save),
 *   setInterval (an app polling as real apps do) and setImmediate (one turn of the event loop) are not
 *   sleeps.
 * - import_cycles: strongly connected components of more than one node in the import graph of core/ and
 *   plugins/, at file level plus at folder level (a node per top-level folder core/<x>, plugins/<x>; a
 *   file directly in core/ is its own node). Edges: static `import … from '<relative>'` (with
 *   `import type`), side-effect `import '<relative>'` and `export … from '<relative>'`; './x.js' is x.ts
 *   (or x/index.ts). require() and import() with computed paths are not edges.
 * - public_exports: the names `import … from 'cuttle'` offers: dist/core/index.d.ts's exports, following
 *   its re-export chain through the .d.ts files (`export { a, b as c } from`, `export * from` (all names
 *   of that module but default), `export * as ns from`, `export declare …`/`export interface …`, local
 *   `export { … }`), united with the runtime keys of require('dist/core/index.js'). Types and values
 *   count alike; a name that is both (an interface and its Symbol token) counts once.
 * TypeScript 7 has no compiler API in JS, so the scans above use a small lexer (strings, template
 * literals, comments and regular expressions blanked) and regular expressions on what is left.
 *
 * Env: BENCH_SUITE_SKIP=1 (no mocha run: suite_s and tests are null; the static counts only),
 * CUTTLE_TEST_JOBS (the suite's worker count, default 4).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = path.resolve(__dirname, '../../..');

interface Lexed {
  /** the source with comments removed, template literals emptied, and each quoted string replaced by '#<index>' */
  code: string;
  strings: string[];
  /** the template literals' text (code that a test writes into a script or a file) */
  templates: string[];
}

/** Strips what is not code. Regular expressions are recognised by the token before the slash. */
function lex(source: string): Lexed {
  const strings: string[] = [];
  const templates: string[] = [];
  let code = '';
  let i = 0;
  const lastSignificant = () => {
    const trimmed = code.trimEnd();
    return trimmed[trimmed.length - 1] ?? '';
  };
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end === -1 ? source.length : end + 2;
      code += ' ';
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      let text = '';
      while (j < source.length && source[j] !== c && source[j] !== '\n') {
        if (source[j] === '\\') {
          text += source[j + 1] ?? '';
          j += 2;
        } else text += source[j++];
      }
      strings.push(text);
      code += `'#${strings.length - 1}'`;
      i = j + 1;
    } else if (c === '`') {
      const end = skipTemplate(source, i + 1);
      templates.push(source.slice(i + 1, end - 1));
      i = end;
      code += '``';
    } else if (c === '/' && (/[(,=:[!&|?{};+\-*%<>~^]/.test(lastSignificant()) || /\b(return|typeof|case|of|in)$/.test(code.trimEnd()) || lastSignificant() === '')) {
      let j = i + 1;
      let inClass = false;
      while (j < source.length && source[j] !== '\n') {
        const d = source[j]!;
        if (d === '\\') j++;
        else if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
        j++;
      }
      j++;
      while (j < source.length && /[a-z]/i.test(source[j]!)) j++;
      code += '/re/';
      i = j;
    } else {
      code += c;
      i++;
    }
  }
  return { code, strings, templates };
}

/** The index after the template literal that starts at `i` (just past its backquote), ${…} included. */
function skipTemplate(source: string, i: number): number {
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\\') i += 2;
    else if (c === '`') return i + 1;
    else if (c === '$' && source[i + 1] === '{') {
      let depth = 1;
      i += 2;
      while (i < source.length && depth > 0) {
        const d = source[i]!;
        if (d === '`') i = skipTemplate(source, i + 1);
        else if (d === "'" || d === '"') {
          i++;
          while (i < source.length && source[i] !== d) i += source[i] === '\\' ? 2 : 1;
          i++;
        } else {
          if (d === '{') depth++;
          else if (d === '}') depth--;
          i++;
        }
      }
    } else i++;
  }
  return i;
}

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .map((f) => path.join(dir, f))
    .filter((f) => keep(f) && fs.statSync(f).isFile())
    .sort();
}

const relative = (file: string) => path.relative(ROOT, file);

// ---- import cycles ----

/** Relative import specifiers of a module: import/export … from '<spec>' and import '<spec>'. */
function relativeImports(source: string): string[] {
  const { code, strings } = lex(source);
  const specs: string[] = [];
  const pattern = /\b(?:import|export)\s+(?:type\s+)?(?:[^;'"]*?\bfrom\s*)?'#(\d+)'/g;
  for (const match of code.matchAll(pattern)) {
    const spec = strings[Number(match[1])]!;
    if (spec.startsWith('.')) specs.push(spec);
  }
  return specs;
}

function resolveImport(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, path.join(base, 'index.ts'), base.replace(/\.js$/, '.d.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Tarjan's strongly connected components; only those of more than one node. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

function importCycles(): { files: string[][]; folders: string[][] } {
  const sources = ['core', 'plugins'].flatMap((dir) => filesUnder(path.join(ROOT, dir), (f) => f.endsWith('.ts') && !f.endsWith('.d.ts')));
  const fileGraph = new Map<string, Set<string>>();
  const folderGraph = new Map<string, Set<string>>();
  const folderOf = (file: string) => relative(file).split(path.sep).slice(0, 2).join('/');
  for (const file of sources) {
    const targets = new Set<string>();
    for (const spec of relativeImports(fs.readFileSync(file, 'utf8'))) {
      const target = resolveImport(file, spec);
      if (target && sources.includes(target)) targets.add(target);
    }
    fileGraph.set(relative(file), new Set([...targets].map(relative)));
    const folder = folderOf(file);
    const edges = folderGraph.get(folder) ?? new Set<string>();
    for (const target of targets) if (folderOf(target) !== folder) edges.add(folderOf(target));
    folderGraph.set(folder, edges);
  }
  return { files: cycles(fileGraph), folders: cycles(folderGraph) };
}

// ---- public exports ----

/** The names a declaration file exports, following its re-exports through the files they name. */
function declaredExports(file: string, seen = new Map<string, Set<string>>()): Set<string> {
  const known = seen.get(file);
  if (known) return known;
  const names = new Set<string>();
  seen.set(file, names);
  const { code, strings } = lex(fs.readFileSync(file, 'utf8'));
  const target = (index: string) => resolveImport(file, strings[Number(index)]!.replace(/\.js$/, '.d.ts'));
  const listed = (list: string) =>
    list
      .split(',')
      .map((item) => item.trim().replace(/^type\s+/, ''))
      .filter(Boolean)
      .map((item) => item.split(/\s+as\s+/).pop()!.trim());
  for (const match of code.matchAll(/\bexport\s+(?:type\s+)?\{([^}]*)\}(?:\s*from\s*'#(\d+)')?/g)) for (const name of listed(match[1]!)) names.add(name);
  for (const match of code.matchAll(/\bexport\s+\*\s+as\s+([\w$]+)\s+from/g)) names.add(match[1]!);
  for (const match of code.matchAll(/\bexport\s+\*\s+from\s*'#(\d+)'/g)) {
    const from = target(match[1]!);
    if (from) for (const name of declaredExports(from, seen)) if (name !== 'default') names.add(name);
  }
  for (const match of code.matchAll(/\bexport\s+(?:declare\s+)?(?:abstract\s+)?(?:const|let|var|function\*?|class|interface|type|enum|namespace)\s+([\w$]+)/g)) names.add(match[1]!);
  if (/\bexport\s+default\b/.test(code)) names.add('default');
  return names;
}

function publicExports(): { count: number; names: string[] } {
  const entry = path.join(ROOT, 'dist/core/index.d.ts');
  const names = fs.existsSync(entry) ? declaredExports(entry) : new Set<string>();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtime = Object.keys(require(path.join(ROOT, 'dist/core/index.js')) as object).filter((k) => k !== '__esModule');
  for (const name of runtime) names.add(name);
  return { count: names.size, names: [...names].sort() };
}

// ---- the tests ----

/**
 * Each function of a module declared as `function NAME(` or `const NAME = (…) =>`, by name, with its
 * body (code only). The body is the first brace that ends its line after the parameters (so neither
 * a default `= {}` nor a return type `Promise<{ … }>` is taken for it), or an arrow's expression.
 */
function functionsOf(code: string): Map<string, string> {
  const found = new Map<string, string>();
  const starts = /\bfunction\s*\*?\s*([\w$]+)\s*(?:<[^>]*>)?\s*\(|\bconst\s+([\w$]+)\s*(?::[^=]+)?=\s*(?:async\s*)?\(/g;
  for (const match of code.matchAll(starts)) {
    const name = (match[1] ?? match[2])!;
    let i = match.index! + match[0].length;
    for (let depth = 1; i < code.length && depth > 0; i++) {
      if (code[i] === '(') depth++;
      else if (code[i] === ')') depth--;
    }
    const rest = code.slice(i);
    const arrow = /^\s*(?::[^=;{]+)?=>\s*/.exec(rest);
    if (match[2] !== undefined && !arrow) continue;
    if (arrow && !rest.slice(arrow[0].length).startsWith('{')) {
      const end = code.indexOf(';', i);
      found.set(name, code.slice(i, end === -1 ? undefined : end));
      continue;
    }
    const open = /\{[ \t]*\n/.exec(rest);
    if (!open) continue;
    let k = i + open.index;
    const from = k;
    for (let depth = 0; k < code.length; k++) {
      if (code[k] === '{') depth++;
      else if (code[k] === '}' && --depth === 0) break;
    }
    found.set(name, code.slice(from, k + 1));
  }
  return found;
}

/** Whether `code` calls one of `names` (a dotted name, such as CuttleHost.create, as written). */
function calls(code: string, names: Iterable<string>): boolean {
  for (const name of names) {
    if (name.includes('.') ? code.includes(name + '(') : new RegExp('(?<![\\w$.])' + name.replace(/\$/g, '\\$') + '\\s*\\(').test(code)) return true;
  }
  return false;
}

function hostStarters(): Set<string> {
  const roots = new Set(['startTestHost', 'CuttleHost.create', 'spawnHost', 'cli']);
  const helpers = filesUnder(path.join(ROOT, 'test'), (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes(`${path.sep}fixtures${path.sep}`)).map((f) => functionsOf(lex(fs.readFileSync(f, 'utf8')).code));
  for (let grew = true; grew; ) {
    grew = false;
    for (const functions of helpers) {
      for (const [name, body] of functions) {
        if (!roots.has(name) && calls(body, roots)) {
          roots.add(name);
          grew = true;
        }
      }
    }
  }
  return roots;
}

function filesSpawningHost(): string[] {
  const roots = hostStarters();
  return filesUnder(path.join(ROOT, 'test'), (f) => f.endsWith('.test.ts')).filter((file) => {
    const source = fs.readFileSync(file, 'utf8');
    const { code, strings, templates } = lex(source);
    const namesMain = strings.some((s) => s.endsWith('cli/main.js'));
    // an import renamed (`cliInProcess as cli`) is what it was called before
    const mine = new Set(roots);
    for (const [, original, alias] of code.matchAll(/\b([\w$]+)\s+as\s+([\w$]+)/g)) {
      if (roots.has(original!)) mine.add(alias!);
      else mine.delete(alias!);
    }
    // a host started in a child process from a script the test writes counts too
    return namesMain || calls(code, mine) || calls(templates.join('\n'), roots);
  });
}

/** Fixed sleeps, per file (see the header for what counts). */
function fixedSleeps(): Map<string, number> {
  const counts = new Map<string, number>();
  const files = filesUnder(path.join(ROOT, 'test'), (f) => f.endsWith('.ts') && !f.includes(`${path.sep}fixtures${path.sep}`) && !f.endsWith(path.join('support', 'wait.ts')));
  const patterns = [/(?<![\w$.])setTimeout\s*\(\s*[\w$]+\s*,/g, /(?<![\w$.])setTimeout\s*\(\s*\(\s*\)\s*=>\s*[\w$]+\s*\(\s*\)\s*,/g, /(?<![\w$.])(?:sleep|delay)\s*\(/g];
  for (const file of files) {
    const { code } = lex(fs.readFileSync(file, 'utf8'));
    let n = 0;
    for (const pattern of patterns) n += [...code.matchAll(pattern)].length;
    // a helper's own definition (`const sleep = (ms) => …` / `function sleep(`) is not a call site
    n -= [...code.matchAll(/(?:function\s+|const\s+)(?:sleep|delay)\s*(?:=\s*(?:async\s*)?)?\(/g)].length;
    if (n > 0) counts.set(relative(file), n);
  }
  return counts;
}

// ---- the run ----

function runSuite(): Promise<{ seconds: number; passing: number; failing: number; code: number | null }> {
  const mocha = path.join(ROOT, 'node_modules/mocha/bin/mocha.js');
  const started = performance.now();
  const child = spawn(process.execPath, [mocha, '--config', path.join(ROOT, '.mocharc.suite.cjs')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    process.stdout.write(chunk);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(output)?.[1] ?? 0);
      resolve({ seconds: (performance.now() - started) / 1000, passing: count('passing'), failing: count('failing'), code });
    });
  });
}

async function main(): Promise<void> {
  const suite = process.env['BENCH_SUITE_SKIP'] === '1' ? undefined : await runSuite();
  const spawning = filesSpawningHost();
  const sleeps = fixedSleeps();
  const { files, folders } = importCycles();
  const exportsOf = publicExports();
  console.log(`files spawning a host or the CLI (${spawning.length}): ${spawning.map(relative).join(' ')}`);
  console.log(`fixed sleeps: ${[...sleeps].map(([file, n]) => `${file} ${n}`).join(', ') || 'none'}`);
  for (const c of files) console.log(`file cycle (${c.length}): ${c.join(' ')}`);
  for (const c of folders) console.log(`folder cycle (${c.length}): ${c.join(' ')}`);
  console.log(`public exports (${exportsOf.count}): ${exportsOf.names.join(' ')}`);
  if (suite && (suite.failing > 0 || suite.code !== 0)) {
    console.log(`the suite failed: ${suite.failing} failing, exit ${suite.code}`);
    process.exitCode = 1;
  }
  console.log(
    JSON.stringify({
      suite_s: suite ? Math.round(suite.seconds * 10) / 10 : null,
      tests: suite ? suite.passing : null,
      files_spawning_host: spawning.length,
      fixed_sleeps: [...sleeps.values()].reduce((a, b) => a + b, 0),
      import_cycles: files.length + folders.length,
      public_exports: exportsOf.count,
    }),
  );
}

void main();
