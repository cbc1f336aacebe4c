/**
 * Lets every plugin `require('cuttle')`, wherever it is installed. A plugin package beside cuttle
 * (`npm install cuttle-plugin-x` in cuttle's folder), one in `<basedir>/node_modules` or a folder
 * from `plugins.paths` cannot find cuttle by Node's own lookup, because cuttle is the application,
 * not one of its dependencies. When that lookup fails, 'cuttle' (and 'cuttle/…') resolves to the
 * running host's package, so plugin and host share one copy of the API.
 *
 * Node 20 has no public resolution hook for CommonJS; `Module._resolveFilename` is the one that
 * module-alias and tsconfig-paths use too.
 */
import Module from 'node:module';
import path from 'node:path';

type Resolve = (request: string, parent: unknown, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: Resolve };
let installedFor: string | undefined;

export function makeCuttleResolvable(appRoot: string): void {
  if (installedFor) return;
  installedFor = appRoot;
  const original = loader._resolveFilename;
  loader._resolveFilename = function (this: unknown, request, parent, ...rest) {
    try {
      return original.call(this, request, parent, ...rest);
    } catch (err) {
      if (request !== 'cuttle' && !request.startsWith('cuttle/')) throw err;
      const target = request === 'cuttle' ? appRoot : path.join(appRoot, request.slice('cuttle/'.length));
      return original.call(this, target, parent, ...rest);
    }
  };
}
