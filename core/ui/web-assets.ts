/**
 * The built web app (`dist/web`, written by `vite build` in `npm run build`), read once at start:
 * `index.html` and every hashed file under `assets/` with the brotli and gzip copies the build made.
 * Serving is then a lookup in memory: no file system path is ever built from a request.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

/** One hashed asset in its three encodings (the compressed ones when the build made them). */
export interface WebAsset {
  type: string;
  identity: Buffer;
  br?: Buffer;
  gzip?: Buffer;
}

export interface WebBundle {
  /** index.html as built, or null when the app was not built (`tsc` alone) */
  index: string | null;
  /** by file name under assets/ */
  assets: ReadonlyMap<string, WebAsset>;
}

/** dist/web, beside dist/core, where `vite build` writes (ui/vite.config.mts). */
export const WEB_ROOT = path.resolve(__dirname, '..', '..', 'web');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

async function readOptional(file: string): Promise<Buffer | undefined> {
  return fs.readFile(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
}

export async function loadWebBundle(root = WEB_ROOT): Promise<WebBundle> {
  const index = (await readOptional(path.join(root, 'index.html')))?.toString('utf8') ?? null;
  const assets = new Map<string, WebAsset>();
  const dir = path.join(root, 'assets');
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const type = TYPES[path.extname(name)];
    if (!type) continue; // .br and .gz copies are read with their file, anything else is not served
    const file = path.join(dir, name);
    const [identity, br, gzip] = await Promise.all([fs.readFile(file), readOptional(`${file}.br`), readOptional(`${file}.gz`)]);
    assets.set(name, { type, identity, ...(br ? { br } : {}), ...(gzip ? { gzip } : {}) });
  }
  return { index, assets };
}
