/**
 * The imports of core/ and plugins/ form a DAG: no circle between files, and none between top-level
 * folders (core/<x>, plugins/<x>), type-only imports included. A failure names the circle, file by
 * file, or for folders the imports that close it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { APP_ROOT } from '../../core/host.js';

/**
 * Circles other lanes are still taking apart, each as the sorted files of its strongly connected
 * component. The one place to list them: remove an entry when its circle is gone (the test fails on
 * an entry that no longer matches, so the list cannot go stale).
 */
const KNOWN_FILE_CYCLES: readonly (readonly string[])[] = [];

type Graph = Map<string, Set<string>>;

/** imports that stay in the compiled code (not `import type`), relative or of a package */
const VALUE_IMPORT = /(?:^|[\s;])(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/g;

const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(folder: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(path.join(APP_ROOT, folder), { withFileTypes: true })) {
    const rel = path.posix.join(folder, entry.name);
    if (entry.isDirectory()) found.push(...sourceFiles(rel));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) found.push(rel);
  }
  return found;
}

/** file → the files it imports (relative specifiers that resolve to a .ts file of the tree) */
function importGraph(): Graph {
  const graph: Graph = new Map();
  for (const file of [...sourceFiles('core'), ...sourceFiles('plugins')]) {
    const targets = new Set<string>();
    for (const match of fs.readFileSync(path.join(APP_ROOT, file), 'utf8').matchAll(IMPORT)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1]!)).replace(/\.js$/, '.ts');
      const resolved = [target, `${target}.ts`, `${target}/index.ts`].find((t) => t.endsWith('.ts') && fs.existsSync(path.join(APP_ROOT, t)));
      if (resolved) targets.add(resolved);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Tarjan's strongly connected components of more than one node. */
function circles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** One circle through a component, as `a → b → … → a`, found breadth-first. */
function circleThrough(graph: Graph, component: readonly string[]): string {
  const members = new Set(component);
  const start = component[0]!;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const to of graph.get(node) ?? []) {
      if (!members.has(to)) continue;
      if (to === start) {
        const trail = [node];
        while (trail[0] !== start) trail.unshift(cameFrom.get(trail[0]!)!);
        return [...trail, start].join(' → ');
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, node);
        queue.push(to);
      }
    }
  }
  return component.join(', ');
}

function topFolder(file: string): string {
  return file.split('/').slice(0, 2).join('/');
}

describe('import graph', () => {
  const graph = importGraph();

  it('reads the whole tree', () => {
    expect(graph.size).to.be.greaterThan(200);
    expect(graph.get('core/server/koa-server.ts')?.has('core/http/route-table.ts')).to.equal(true);
  });

  it('has no circle between files (but those other lanes still take apart)', () => {
    const known = new Set(KNOWN_FILE_CYCLES.map((c) => [...c].sort().join(' ')));
    const found = circles(graph);
    const unknown = found.filter((c) => !known.has(c.join(' '))).map((c) => circleThrough(graph, c));
    expect(unknown, 'import circles').to.deep.equal([]);
    const gone = [...known].filter((k) => !found.some((c) => c.join(' ') === k));
    expect(gone, 'circles listed in KNOWN_FILE_CYCLES that are gone: remove them from the list').to.deep.equal([]);
  });

  it('keeps core/http a library that knows no domain, and core/server at the top', () => {
    const allowed = (target: string) => target.startsWith('core/http/') || target.startsWith('core/common/') || target === 'core/settings/settings-section.ts';
    const reaching = [...graph].flatMap(([file, targets]) => (file.startsWith('core/http/') ? [...targets].filter((t) => !allowed(t)).map((t) => `${file} imports ${t}`) : []));
    expect(reaching, 'core/http imports').to.deep.equal([]);
    const importers = [...graph].flatMap(([file, targets]) => ([...targets].some((t) => t.startsWith('core/server/')) && !file.startsWith('core/server/') ? [file] : []));
    expect(importers, 'files importing core/server').to.deep.equal(['core/container.ts']);
  });

  it('has no circle between top-level folders', () => {
    const folders: Graph = new Map();
    const why = new Map<string, string>();
    for (const [file, targets] of graph) {
      const from = topFolder(file);
      if (!folders.has(from)) folders.set(from, new Set());
      for (const target of targets) {
        const to = topFolder(target);
        if (to === from) continue;
        folders.get(from)!.add(to);
        if (!why.has(`${from} ${to}`)) why.set(`${from} ${to}`, `${file} imports ${target}`);
      }
    }
    const explained = circles(folders).map((component) => {
      const circle = circleThrough(folders, component).split(' → ');
      return circle
        .slice(1)
        .map((to, i) => why.get(`${circle[i]} ${to}`)!)
        .join('; ');
    });
    expect(explained, 'folder circles').to.deep.equal([]);
  });

  it('keeps ES-module packages out of worker threads (Node 20 can abort the process on require() of one there)', () => {
    // a thread's require() of an ES module raced with its own loading once and aborted a test process
    // (FATAL ERROR: v8::Module::IsGraphAsync): the threads load CommonJS packages only
    const entries = sourceFiles('core').filter((file) => /new Worker\(path\.join\(__dirname, '[^']+\.js'\)/.test(fs.readFileSync(path.join(APP_ROOT, file), 'utf8')));
    const threads = entries.flatMap((file) =>
      [...fs.readFileSync(path.join(APP_ROOT, file), 'utf8').matchAll(/new Worker\(path\.join\(__dirname, '([^']+)\.js'\)/g)].map((m) => path.posix.join(path.posix.dirname(file), `${m[1]}.ts`)),
    );
    expect(threads.length, 'worker thread entries found').to.be.at.least(3);
    const esmPackages: string[] = [];
    for (const entry of threads) {
      const seen = new Set<string>();
      const queue = [entry];
      while (queue.length) {
        const file = queue.pop()!;
        if (seen.has(file)) continue;
        seen.add(file);
        for (const match of fs.readFileSync(path.join(APP_ROOT, file), 'utf8').matchAll(VALUE_IMPORT)) {
          const spec = match[1]!;
          if (spec.startsWith('.')) {
            const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, '.ts');
            if (fs.existsSync(path.join(APP_ROOT, target))) queue.push(target);
          } else if (!spec.startsWith('node:')) {
            const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
            const manifest = JSON.parse(fs.readFileSync(path.join(APP_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { type?: string };
            if (manifest.type === 'module') esmPackages.push(`${entry} loads ${name} (through ${file})`);
          }
        }
      }
    }
    expect(esmPackages).to.deep.equal([]);
  });
});
