/**
 * `npm run screenshots`: every view of the web app in headless Chromium, light and dark, desktop
 * (1280×800) and phone (390×844), against a host with four virtual printers (two printing, one ready
 * with a finished print in its history and a timelapse, one offline). For looking at the app as a
 * whole (overlaps, overflow at 390 px, contrast) and for the docs.
 *
 * Writes full-page PNGs to dist/screenshots/<view>-<scheme>-<device>.png. With `--docs` it also
 * writes the curated set the README shows: the farm and a printer, light and dark, desktop and phone,
 * as they fill the screen, in WebP (ffmpeg's libwebp), to docs/screenshots/.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { AuthManager } from '../core/auth/api.js';
import { PrinterRegistry } from '../core/printers/printer-registry.js';
import { SettingsService } from '../core/settings/settings-service.js';
import { startTestHost, type TestHost } from '../test/support/host.js';
import { waitFor } from '../test/support/wait.js';

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'dist', 'screenshots');
const DOCS = path.join(ROOT, 'docs', 'screenshots');
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--hide-scrollbars'];

const DEVICES: Record<'desktop' | 'phone', BrowserContextOptions> = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
};
const SCHEMES = ['light', 'dark'] as const;

interface View {
  name: string;
  /** the page's address under the host, and what shows it is drawn */
  url: string;
  ready: string;
  /** one section of the page rather than the whole page */
  section?: string;
  /** in the curated set of the docs */
  docs?: boolean;
}

const printerSection = (name: string, heading: string): View => ({ name: `printer-${name}`, url: 'printer/p1/', ready: `section[aria-labelledby="${heading}"]`, section: `section[aria-labelledby="${heading}"]` });

const VIEWS: View[] = [
  { name: 'farm', url: '', ready: '#cards .card[data-printer="p1"] canvas.thumb[data-layer]', docs: true },
  { name: 'printer', url: 'printer/p1/', ready: '#preview-layer', docs: true },
  printerSection('control', 'motion-h'),
  printerSection('temperatures', 'temps-h'),
  printerSection('terminal', 'terminal-h'),
  printerSection('files', 'files-h'),
  printerSection('timelapse', 'timelapse-h'),
  printerSection('events', 'events-h'),
  { name: 'history', url: '#/history', ready: '#history tbody tr' },
  { name: 'event-log', url: '#/events', ready: '#event-log li' },
  { name: 'settings', url: '#/settings', ready: '#printer-settings tr[data-printer]' },
];

/** Concentric layers: a round wall and every other layer a zigzag infill, 0.2 mm apart (what the previews draw). */
function vase(layers: number, radius: number): string {
  const lines = ['; a vase for the screenshots', 'M104 S215', 'M140 S60', 'G28', 'G21', 'G90', 'M82'];
  let e = 0;
  const move = (x: number, y: number, length: number) => lines.push(`G1 X${x.toFixed(2)} Y${y.toFixed(2)} E${(e += length * 0.05).toFixed(3)} F1800`);
  for (let layer = 0; layer < layers; layer++) {
    lines.push(`G1 Z${((layer + 1) * 0.2).toFixed(1)} F600`);
    const r = radius * (1 - 0.25 * Math.sin((layer / layers) * Math.PI));
    lines.push(`G0 X${(110 + r).toFixed(2)} Y110 F6000`);
    for (let i = 0; i <= 48; i++) move(110 + r * Math.cos((i / 48) * 2 * Math.PI), 110 + r * Math.sin((i / 48) * 2 * Math.PI), (2 * Math.PI * r) / 48);
    if (layer % 2) continue;
    for (let y = -r + 2; y < r - 2; y += 3) {
      const half = Math.sqrt(r * r - y * y) - 1;
      const flip = Math.round(y) % 2 === 0;
      if (y === -r + 2) lines.push(`G0 X${(110 + (flip ? -half : half)).toFixed(2)} Y${(110 + y).toFixed(2)} F6000`);
      else move(110 + (flip ? -half : half), 110 + y, 3);
      move(110 + (flip ? half : -half), 110 + y, 2 * half);
    }
  }
  return [...lines, 'M104 S0', 'M140 S0', ''].join('\n');
}

async function post(t: TestHost, where: string, body: unknown): Promise<void> {
  const r = await fetch(`${t.baseUrl}/${where}`, { method: 'POST', headers: { 'X-Api-Key': t.apiKey, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`POST ${where}: ${r.status} ${await r.text()}`);
}

async function upload(t: TestHost, name: string, text: string): Promise<void> {
  const form = new FormData();
  form.append('file', new Blob([text]), name);
  const r = await fetch(`${t.baseUrl}/api/files/local`, { method: 'POST', headers: { 'X-Api-Key': t.apiKey }, body: form });
  if (!r.ok) throw new Error(`upload ${name}: ${r.status}`);
}

/** The farm the screenshots show: two printers printing, one ready with history and a timelapse, one offline. */
async function startFarm(): Promise<TestHost> {
  const virtual = (autoconnect: boolean) => ({ port: 'virtual', autoconnect });
  const t = await startTestHost({
    config: {
      printers: [
        { id: 'p1', name: 'Prusa MK4', connection: virtual(true) },
        { id: 'p2', name: 'Ender 3 V2', connection: virtual(true) },
        { id: 'p3', name: 'Voron 2.4', connection: virtual(true) },
        { id: 'p4', name: 'Prusa Mini', connection: virtual(false) },
      ],
      serial: { temperatureInterval: 1, virtual: { speedFactor: 3 } },
      push: { rateHz: 2 },
      logging: { level: 'warn' },
    },
  });
  const registry = t.get<PrinterRegistry>(PrinterRegistry);
  const state = (id: string) => registry.get(id)?.printer.snapshot().state.id;
  await waitFor(() => ['p1', 'p2', 'p3'].every((id) => state(id) === 'OPERATIONAL'), 30_000, 'the printers connected');
  await t.get<AuthManager>(AuthManager).users.add('ada', { password: 'correct horse battery' });
  await upload(t, 'calibration-cube.gcode', vase(2, 6));
  await upload(t, 'vase.gcode', vase(60, 24));
  await upload(t, 'bracket.gcode', vase(60, 16));
  // a finished print for the history and the event log, then the two long ones
  await post(t, 'printer/p3/api/files/local/calibration-cube.gcode', { command: 'select', print: true });
  const done = async () => ((await (await fetch(`${t.baseUrl}/api/history?result=done`, { headers: { 'X-Api-Key': t.apiKey } })).json()) as { total: number }).total;
  await waitFor(async () => (await done()) === 1, 60_000, 'the short print done');
  await post(t, 'printer/p1/api/files/local/vase.gcode', { command: 'select', print: true });
  await post(t, 'printer/p2/api/files/local/bracket.gcode', { command: 'select', print: true });
  await post(t, 'printer/p1/api/printer/command', { commands: ['M115', 'M114'] });
  // a timelapse to list (a test pattern made by ffmpeg, as the timelapse tests make theirs)
  const folder = t.get<SettingsService>(SettingsService).folder('timelapse');
  fs.mkdirSync(folder, { recursive: true });
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10', '-t', '2', '-pix_fmt', 'yuv420p', path.join(folder, 'p1_vase_20261207101500.mp4')]);
  // some of each print done, so the cards and the preview draw a layer
  await waitFor(() => ['p1', 'p2'].every((id) => (registry.get(id)!.printer.snapshot().progress.completion ?? 0) > 8), 120_000, 'the prints under way');
  return t;
}

async function shoot(page: Page, view: View, file: string): Promise<void> {
  await page.waitForSelector(view.ready, { timeout: 20_000 });
  // the live parts settle: fonts, then two frames drawn (the chart's and the previews' first draw)
  await page.evaluate('document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))');
  if (view.section) await page.locator(view.section).screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: true });
}

async function main(): Promise<void> {
  const docs = process.argv.includes('--docs');
  fs.mkdirSync(OUT, { recursive: true });
  if (docs) fs.mkdirSync(DOCS, { recursive: true });
  const t = await startFarm();
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });
    for (const [device, options] of Object.entries(DEVICES)) {
      for (const scheme of SCHEMES) {
        const context = await browser.newContext({ ...options, colorScheme: scheme });
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (err) => errors.push(err.message));
        // signed out first: the sign-in form
        await page.goto(`${t.baseUrl}/`);
        await shoot(page, { name: 'sign-in', url: '', ready: '#signin-title' }, path.join(OUT, `sign-in-${scheme}-${device}.png`));
        // then the key for this tab (kept in its sessionStorage), and every view
        await page.goto(`${t.baseUrl}/?apikey=${t.apiKey}`);
        await page.waitForSelector('.conn[data-status="connected"]');
        for (const view of VIEWS) {
          await page.goto(`${t.baseUrl}/${view.url}`);
          const file = path.join(OUT, `${view.name}-${scheme}-${device}.png`);
          await shoot(page, view, file);
          if (docs && view.docs) {
            const screen = path.join(OUT, `${view.name}-${scheme}-${device}-screen.png`);
            await page.evaluate('window.scrollTo(0, 0)');
            await page.screenshot({ path: screen });
            execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', screen, '-c:v', 'libwebp', '-quality', '80', '-compression_level', '6', path.join(DOCS, `${view.name}-${scheme}-${device}.webp`)]);
          }
        }
        if (errors.length) console.log(`${scheme} ${device}: page errors: ${errors.join('; ')}`);
        await context.close();
      }
    }
  } finally {
    await browser?.close();
    await t.stop();
  }
  console.log(`screenshots in ${path.relative(ROOT, OUT)}${docs ? ` and ${path.relative(ROOT, DOCS)}` : ''}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
