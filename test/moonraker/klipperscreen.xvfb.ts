/**
 * KlipperScreen, from its source, run for real under Xvfb against a printer's listen port with the
 * API key in its config (its websocket's ?token= and x-api-key), its log read as it goes: it starts
 * (identify, server.info, printer.info, the config query, objects.list, subscribe, the temperature
 * store) into its main menu with the extruder, the bed and the fan, and follows klippy's state when the
 * printer disconnects and connects. A local check, as KlipperScreen's source is not on the package
 * registries CI reaches: `CUTTLE_KLIPPERSCREEN_DIR=<KlipperScreen> npx mocha dist/test/moonraker/klipperscreen.xvfb.js`,
 * with Debian's xvfb, python3-gi, gir1.2-gtk-3.0, python3-gi-cairo, python3-websocket, python3-requests,
 * python3-jinja2 and python3-psutil (README, "Clients").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { findTool } from '../support/tools.js';
import { waitFor } from '../support/wait.js';
import { startMoonrakerHost, type MoonrakerHost } from './support.js';

describe('moonraker: KlipperScreen run for real', function () {
  this.timeout(60_000);
  let h: MoonrakerHost | undefined;
  let ks: ChildProcess | undefined;
  let dir: string;
  let logFile: string;
  const log = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
  // a notification or answer KlipperScreen's socket callback could not take
  const broken = () => log().split('\n').filter((l) => /error from callback|Traceback/.test(l));

  before(async () => {
    const source = process.env['CUTTLE_KLIPPERSCREEN_DIR'];
    if (!source || !fs.existsSync(path.join(source, 'screen.py'))) throw new Error('set CUTTLE_KLIPPERSCREEN_DIR to KlipperScreen’s source (core/moonraker/README.md, "Clients")');
    if (!findTool('xvfb-run')) throw new Error('xvfb-run is missing (Debian’s xvfb)');
    h = await startMoonrakerHost(['p1']);
    await h.printer('p1').connect();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-ks-'));
    logFile = path.join(dir, 'KlipperScreen.log');
    const conf = path.join(dir, 'KlipperScreen.conf');
    fs.writeFileSync(conf, `[main]\n\n[printer cuttle]\nmoonraker_host: 127.0.0.1\nmoonraker_port: ${h.ports['p1']}\nmoonraker_api_key: ${h.t.apiKey}\n`);
    // Debian's python3, where the python3-gi packages are, whatever python3 comes first on PATH
    const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    // its own process group, ended whole in `after`
    ks = spawn('xvfb-run', ['-a', '-s', '-screen 0 800x480x24', python, path.join(source, 'screen.py'), '-c', conf, '-l', logFile], { detached: true, stdio: 'ignore' });
  });
  after(async () => {
    if (ks?.pid) process.kill(-ks.pid, 'SIGTERM');
    await h?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts into its main menu with the extruder, the bed and the fan', async () => {
    // what it logs as it counts the config's devices, builds the menu and sizes its graphs
    const expected = ['Printer initialized', '# Extruders: 1', '# Fans: 1', 'Adding device: extruder', 'Adding device: heater_bed', 'Current panel hierarchy: main_menu', 'Temperature store size: 1200'];
    await waitFor(() => expected.every((line) => log().includes(line)), 30_000, `KlipperScreen’s log to show ${expected.join('; ')}`);
    expect(broken()).to.deep.equal([]);
  });

  it('follows klippy: shut down when the printer disconnects, ready again when it connects', async () => {
    await h!.printer('p1').disconnect();
    await waitFor(() => log().includes("Changing state from 'ready' to 'shutdown'"), 10_000, 'KlipperScreen sees the shutdown');
    await h!.printer('p1').connect();
    await waitFor(() => log().includes("Changing state from 'shutdown' to 'ready'"), 15_000, 'KlipperScreen sees klippy ready');
    expect(broken()).to.deep.equal([]);
  });
});
