/** The README's plugin example (its first ts block), compiled as a plugin folder of its own beside the project, where 'cuttle' resolves. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { APP_ROOT } from '../../core/host.js';

export function readmeExample(): string {
  const readme = readFileSync(path.join(APP_ROOT, 'README.md'), 'utf8');
  const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!example) throw new Error('no ts block in the README');
  return example;
}

/** Compiles the example to `<folder>/dist/index.js`; returns that folder (remove it with `dispose`). */
export function compileReadmeExample(): { folder: string; dist: string; dispose(): void } {
  const folder = mkdtempSync(path.join(APP_ROOT, '.readme-example-'));
  writeFileSync(path.join(folder, 'index.ts'), readmeExample());
  writeFileSync(
    path.join(folder, 'tsconfig.json'),
    JSON.stringify({ extends: '../tsconfig.json', compilerOptions: { incremental: false, rootDir: '.', outDir: 'dist', declaration: false, sourceMap: false }, include: ['index.ts'] }),
  );
  try {
    execFileSync(process.execPath, [path.join(APP_ROOT, 'node_modules/typescript/bin/tsc'), '-p', folder], { encoding: 'utf8' });
  } catch (err) {
    rmSync(folder, { recursive: true, force: true });
    throw new Error(`the README's example does not compile:\n${String((err as { stdout?: string }).stdout ?? err)}`);
  }
  return { folder, dist: path.join(folder, 'dist'), dispose: () => rmSync(folder, { recursive: true, force: true }) };
}
