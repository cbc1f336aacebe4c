/**
 * Lets every plugin `require('cuttle')`, wherever it is installed. A plugin package beside cuttle
 * (`npm install cuttle-plugin-x` in cuttle's folder), one in `<basedir>/node_modules` or a folder
 * from `plugins.paths` cannot find cuttle by Node's own lookup, because cuttle is the application,
 * not one of its dependencies. When that lookup fails, 'cuttle' (and `cuttle/<entry>`) resolves to the
 * running host's package, so plugin and host share one copy of the API; only the entry points that
 * package.json "exports" names resolve (as Node's own lookup would allow), never a path inside it.
 *
 * Node 20 has no public resolution hook for CommonJS; `Module._resolveFilename` is the one that
 * module-alias and tsconfig-paths use too.
 */
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';

type Resolve = (request: string, parent: unknown, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: Resolve };
let installedFor: string | undefined;

type ExportTarget = string | { require?: string; default?: string; types?: string };

/** `'cuttle/testing'` → the file package.json "exports" maps `./testing` to, or undefined for a path it does not export. */
function exportedFile(appRoot: string, exports: Record<string, ExportTarget>, request: string): string | undefined {
  const key = request === 'cuttle' ? '.' : `./${request.slice('cuttle/'.length)}`;
  const target = Object.hasOwn(exports, key) ? exports[key] : undefined;
  const file = typeof target === 'string' ? target : (target?.require ?? target?.default);
  return file ? path.join(appRoot, file) : undefined;
}

export function makeCuttleResolvable(appRoot: string): void {
  if (installedFor) return;
  installedFor = appRoot;
  const exports = (JSON.parse(readFileSync(path.join(appRoot, 'package.json'), 'utf8')) as { exports: Record<string, ExportTarget> }).exports;
  const original = loader._resolveFilename;
  loader._resolveFilename = function (this: unknown, request, parent, ...rest) {
    try {
      return original.call(this, request, parent, ...rest);
    } catch (err) {
      if (request !== 'cuttle' && !request.startsWith('cuttle/')) throw err;
      const file = exportedFile(appRoot, exports, request);
      if (!file) {
        throw Object.assign(new Error(`'${request}' is not an entry point of cuttle (package.json "exports": ${Object.keys(exports).join(', ')})`), {
          code: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
        });
      }
      return original.call(this, file, parent, ...rest);
    }
  };
}
