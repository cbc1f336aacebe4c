/**
 * `@Plugin({ ui })` is confined to the plugin's folder: a path out of it, a symbolic link out of it,
 * a folder, a file over 1 MB or not JavaScript is refused when the plugin loads (the plugin fails,
 * with the reason), and a link swapped in later is refused when the module is served.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { Plugin } from '../../core/plugins/decorators.js';
import type { PluginInfo } from '../../core/plugins/plugin-info.js';
import { startTestHost } from '../../core/testing/index.js';
import { resolvePanelModule } from '../../core/ui/panels-impl.js';
import { pluginPanels } from '../../core/ui/plugin-ui.js';

function info(module: string, extra: Partial<NonNullable<PluginInfo['ui']>[number]> = {}): PluginInfo {
  return { id: 'boxed', name: 'Boxed', version: '1.0.0', description: 'x', ui: [{ id: 'panel', title: 'Boxed', location: 'printer', module, ...extra }] };
}

describe("a plugin's web app panels stay in its folder", () => {
  let dir: string;
  let pkg: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-plugin-ui-'));
    pkg = path.join(dir, 'pkg');
    fs.mkdirSync(path.join(pkg, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(pkg, 'dist', 'panel.js'), 'export function mount() {}\n');
    fs.writeFileSync(path.join(dir, 'outside.js'), 'export function mount() {}\n');
    fs.symlinkSync(path.join(dir, 'outside.js'), path.join(pkg, 'dist', 'link.js'));
    fs.writeFileSync(path.join(pkg, 'dist', 'big.js'), Buffer.alloc((1 << 20) + 1, 0x20));
    fs.writeFileSync(path.join(pkg, 'dist', 'panel.css'), 'p {}\n');
    fs.mkdirSync(path.join(pkg, 'dist', 'folder.js'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('takes a module file inside the folder, resolved to an absolute path', () => {
    expect(pluginPanels(info('dist/panel.js'), pkg)).to.deep.equal([
      { owner: 'boxed', id: 'panel', title: 'Boxed', location: 'printer', module: path.join(pkg, 'dist', 'panel.js'), root: pkg },
    ]);
  });

  it('refuses a path out, a link out, a folder, a big file, a stylesheet, a missing file, a bad id or location', () => {
    const refusal = (i: PluginInfo) => {
      try {
        pluginPanels(i, pkg);
        return 'accepted';
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(refusal(info('../outside.js'))).to.match(/outside its plugin's folder/);
    expect(refusal(info(path.join(dir, 'outside.js')))).to.match(/outside its plugin's folder/);
    expect(refusal(info('dist/link.js'))).to.match(/outside its plugin's folder/);
    expect(refusal(info('dist/folder.js'))).to.match(/not a file/);
    expect(refusal(info('dist/big.js'))).to.match(/over 1 MB/);
    expect(refusal(info('dist/panel.css'))).to.match(/\.js or \.mjs/);
    expect(refusal(info('dist/none.js'))).to.match(/missing/);
    expect(refusal(info('dist/panel.js', { id: 'Bad/Id' }))).to.match(/ui "Bad\/Id"/);
    expect(refusal(info('dist/panel.js', { location: 'sidebar' as 'farm' }))).to.match(/location is one of printer, tab, card, farm, settings/);
  });

  it('refuses at serving time a module that became a link out of the folder', () => {
    const swapped = path.join(pkg, 'dist', 'swapped.js');
    fs.writeFileSync(swapped, 'export function mount() {}\n');
    expect(resolvePanelModule(swapped, pkg)).to.deep.equal({ file: fs.realpathSync(swapped) });
    fs.rmSync(swapped);
    fs.symlinkSync(path.join(dir, 'outside.js'), swapped);
    expect(resolvePanelModule(swapped, pkg)).to.include({ status: 404 });
  });

  it('fails the plugin at load, with the reason, when its ui is refused', async () => {
    @Plugin(info('../../etc/passwd.js'))
    class Escaping {}
    let failure: unknown;
    await startTestHost({ plugins: [Escaping], printers: 0, logStream: new PassThrough() }).then((host) => host.stop(), (err) => (failure = err));
    expect(String(failure)).to.match(/plugin boxed failed: ui "panel": the panel's module is outside its plugin's folder/);
  });
});
