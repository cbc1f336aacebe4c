/**
 * Folders are made through core/common/make-directory.ts, which ends where Node's recursive mkdir
 * spins for ever (a dangling symbolic link, a path under /proc): with a clear error, sync and async.
 * A basedir on a USB stick that is not mounted once froze the host at full CPU, deaf to SIGTERM.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeDirectory, makeDirectorySync } from '../../core/common/make-directory.js';
import { APP_ROOT } from '../../core/host.js';

function sourceFiles(folder: string): string[] {
  return fs
    .readdirSync(path.join(APP_ROOT, folder), { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => path.posix.join(folder, file));
}

describe('making folders', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-mkdir-'));
    fs.symlinkSync(path.join(dir, 'unmounted'), path.join(dir, 'usb'));
    fs.writeFileSync(path.join(dir, 'file'), 'x');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [form, make] of [
    ['sync', async (folder: string) => makeDirectorySync(folder)],
    ['async', makeDirectory],
  ] as const) {
    it(`ends with the reason where Node's recursive mkdir spins (${form})`, async () => {
      const failure = (folder: string) => make(folder).then(() => 'made', (err: Error) => err.message);
      expect(await failure(path.join(dir, 'usb', 'cuttle'))).to.equal(`cannot make the folder ${path.join(dir, 'usb')}: it is a symbolic link to ${path.join(dir, 'unmounted')}, which does not exist`);
      expect(await failure(path.join(dir, 'file'))).to.equal(`cannot make the folder ${path.join(dir, 'file')}: it is a file, not a folder`);
      expect(await failure(path.join(dir, 'file', 'sub'))).to.match(/^ENOTDIR/);
      if (fs.existsSync('/proc/self')) expect(await failure('/proc/cuttle/basedir')).to.match(/^ENOENT/);
    });

    it(`makes the missing folders and says the first it made, as mkdir -p does (${form})`, async () => {
      const base = path.join(dir, form);
      expect(await make(path.join(base, 'a', 'b'))).to.equal(base);
      expect(await make(path.join(base, 'a', 'b'))).to.equal(undefined);
      expect(fs.statSync(path.join(base, 'a', 'b')).isDirectory()).to.equal(true);
    });
  }

  it('makes many of the same folders at once', async () => {
    const target = path.join(dir, 'race', 'x', 'y');
    await Promise.all(Array.from({ length: 20 }, () => makeDirectory(target)));
    expect(fs.statSync(target).isDirectory()).to.equal(true);
  });

  it('a host given a basedir behind a dangling link says so and exits', async () => {
    const child = spawn(process.execPath, [path.join(APP_ROOT, 'dist/core/cli/main.js'), 'serve', '--basedir', path.join(dir, 'usb', 'cuttle'), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.on('exit', (exit) => {
        clearTimeout(killer);
        resolve(exit);
      });
    });
    expect(code, output).to.not.equal(null);
    expect(code, output).to.not.equal(0);
    expect(output).to.contain('is a symbolic link to');
  });

  it('is the only place that makes folders recursively', () => {
    const offenders = [...sourceFiles('core'), ...sourceFiles('plugins')].filter(
      (file) => file !== 'core/common/make-directory.ts' && /mkdir(Sync)?\([^)]*recursive: true/.test(fs.readFileSync(path.join(APP_ROOT, file), 'utf8')),
    );
    expect(offenders).to.deep.equal([]);
  });
});
