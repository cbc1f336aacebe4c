/**
 * Finding plugins, without a hand-kept list:
 *  - bundled: every folder of `plugins/` next to core (its index.js);
 *  - packages: every package in the scanned node_modules folders whose package.json has
 *    `"cuttle": { "plugin": "./dist/index.js" }` (scoped packages included);
 *  - paths: folders listed in `plugins.paths`, each a package (same field) or a folder with index.js.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export type PluginOrigin = 'bundled' | 'package' | 'path';

export interface PluginCandidate {
  origin: PluginOrigin;
  /** the folder or package the plugin came from */
  source: string;
  /** the module file to require */
  entry: string;
  /** the folder its files (such as its web app panels) are in, when not `source`: the working directory for classes given in-process */
  folder?: string;
}

export interface DiscoveryProblem {
  source: string;
  reason: string;
}

export interface DiscoveryOptions {
  bundledDir: string;
  nodeModules: string[];
  paths: string[];
}

export function discoverPlugins(options: DiscoveryOptions): { candidates: PluginCandidate[]; problems: DiscoveryProblem[] } {
  const candidates: PluginCandidate[] = [];
  const problems: DiscoveryProblem[] = [];
  for (const folder of subfolders(options.bundledDir)) {
    const entry = path.join(folder, 'index.js');
    if (existsSync(entry)) candidates.push({ origin: 'bundled', source: folder, entry });
  }
  const seen = new Set<string>();
  for (const nodeModules of options.nodeModules) {
    for (const pkg of packageFolders(nodeModules)) {
      if (seen.has(pkg)) continue;
      seen.add(pkg);
      const found = fromPackage(pkg, 'package');
      if (found && 'entry' in found) candidates.push(found);
      else if (found) problems.push(found);
    }
  }
  for (const folder of options.paths) {
    const found = fromPackage(folder, 'path');
    if (found && 'entry' in found) candidates.push(found);
    else if (found) problems.push(found);
    else if (existsSync(path.join(folder, 'index.js'))) candidates.push({ origin: 'path', source: folder, entry: path.join(folder, 'index.js') });
    else problems.push({ source: folder, reason: 'no package.json with a "cuttle.plugin" field and no index.js' });
  }
  return { candidates, problems };
}

/** A package's plugin entry, a problem with it, or null when it is not a cuttle plugin. */
function fromPackage(folder: string, origin: PluginOrigin): PluginCandidate | DiscoveryProblem | null {
  const manifest = path.join(folder, 'package.json');
  if (!existsSync(manifest)) return null;
  let pkg: { cuttle?: { plugin?: unknown } };
  try {
    pkg = JSON.parse(readFileSync(manifest, 'utf8'));
  } catch (err) {
    return origin === 'path' ? { source: folder, reason: `package.json is not valid JSON: ${(err as Error).message}` } : null;
  }
  if (pkg.cuttle === undefined) return null;
  if (typeof pkg.cuttle?.plugin !== 'string') return { source: folder, reason: 'package.json "cuttle.plugin" must name the module file' };
  const entry = path.resolve(folder, pkg.cuttle.plugin);
  if (!entry.startsWith(path.resolve(folder) + path.sep)) return { source: folder, reason: '"cuttle.plugin" points outside the package' };
  if (!existsSync(entry)) return { source: folder, reason: `entry ${pkg.cuttle.plugin} does not exist` };
  return { origin, source: folder, entry };
}

function packageFolders(nodeModules: string): string[] {
  const out: string[] = [];
  for (const folder of subfolders(nodeModules)) {
    const name = path.basename(folder);
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) out.push(...subfolders(folder));
    else out.push(folder);
  }
  return out;
}

function subfolders(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .map((name) => path.join(dir, name))
    .filter((full) => {
      try {
        return statSync(full).isDirectory();
      } catch {
        return false;
      }
    });
}
