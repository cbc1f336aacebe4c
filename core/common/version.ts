/** cuttle's own version, from its package.json (dist/core/common → package root). */
import fs from 'node:fs';
import path from 'node:path';

export const CUTTLE_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();
