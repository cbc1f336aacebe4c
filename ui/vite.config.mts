/**
 * Builds the web app into dist/web (served by core/ui): relative URLs (`base: './'`) so one build
 * works at `/`, under `/printer/<id>/` and at a printer's own port; hashed file names (served
 * immutable); a brotli and a gzip copy of each text asset made here, so the server never compresses.
 */
import { promisify } from 'node:util';
import fs from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);
const COMPRESSIBLE = /\.(js|css|svg|json|map)$/;

/** After the bundle is written: `<file>.br` (quality 11) and `<file>.gz` (level 9) beside each text asset. */
function precompress(): Plugin {
  return {
    name: 'cuttle-precompress',
    apply: 'build',
    async writeBundle(options, bundle) {
      const dir = options.dir!;
      await Promise.all(
        Object.keys(bundle)
          .filter((name) => COMPRESSIBLE.test(name) && name.startsWith('assets/'))
          .map(async (name) => {
            const file = path.join(dir, name);
            const data = await fs.readFile(file);
            const [br, gz] = await Promise.all([
              brotli(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } }),
              gzip(data, { level: 9 }),
            ]);
            await Promise.all([fs.writeFile(`${file}.br`, br), fs.writeFile(`${file}.gz`, gz)]);
          }),
      );
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  publicDir: false,
  plugins: [precompress()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: path.resolve(import.meta.dirname, '..', 'dist', 'web'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    // the farm's first load is one script and one stylesheet, no preload helper
    modulePreload: false,
  },
});
