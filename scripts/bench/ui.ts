/**
 * `npm run bench:ui`: the web app's farm view in headless Chromium against a host with 16 virtual
 * printers printing, each sending `current` at 2 Hz (push.rateHz 2).
 *
 * Measured:
 * - first_load_kb_gzip: the gzip size (the build's .gz copies) of every script and stylesheet the
 *   farm view loaded, from the page's resource timing entries, plugins' panel modules included;
 * - first_card_live_ms: navigation start to the first printer card in the page (its state drawn),
 *   seen by a MutationObserver installed before the page's own scripts;
 * - page_cpu_pct_16_printers: the page's main-thread busy time (CDP Performance TaskDuration) over
 *   BENCH_SECONDS (60) of live updates, as a share of the wall time;
 * - long_tasks_over_50ms: PerformanceObserver 'longtask' entries (each over 50 ms) from navigation
 *   to the end of the window;
 * - lighthouse_performance / lighthouse_accessibility: Lighthouse 12.2.3's scores (0–100, its default
 *   mobile settings) of the farm view, run after the window while the printers still print
 *   (lighthouse.ts: installed on first use into a cache folder outside the repository).
 *
 * Prints one JSON last line, after a line per long task and per long animation frame (the scripts it
 * ran). Env: BENCH_SECONDS (60), BENCH_PRINTERS (16), BENCH_LIGHTHOUSE=0 to skip Lighthouse (its
 * figures are then null), BENCH_TRACE=<file> to write a Chromium trace of the window.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';
import { PrinterRegistry } from '../../core/printers/printer-registry.js';
import { WEB_ROOT } from '../../core/ui/web-assets.js';
import { startTestHost } from '../../test/support/host.js';
import { lighthouse, type LighthouseScores } from './lighthouse.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const PRINTERS = Number(process.env.BENCH_PRINTERS ?? 16);
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Set up in the page before its scripts: the first card's time and the long tasks. */
const PROBE = `
  window.__bench = { firstCard: null, longTasks: 0, longTaskTimes: [], frames: [] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.duration > 50) { window.__bench.longTasks++; window.__bench.longTaskTimes.push(Math.round(e.startTime) + '+' + Math.round(e.duration)); }
  }).observe({ type: 'longtask', buffered: true });
  // which scripts a long frame ran (Long Animation Frames), to name a long task's cause
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration <= 50) continue;
      const scripts = e.scripts.map((s) => (s.invoker || '?') + ' ' + (s.sourceFunctionName || '') + '@' + (s.sourceURL || '').split('/').pop() + ':' + s.sourceCharPosition + ' ' + Math.round(s.duration) + 'ms');
      window.__bench.frames.push(Math.round(e.startTime) + '+' + Math.round(e.duration) + ' block ' + Math.round(e.blockingDuration) + ' render ' + Math.round(e.startTime + e.duration - e.renderStart) + ': ' + scripts.join('; '));
    }
  }).observe({ type: 'long-animation-frame', buffered: true });
  new MutationObserver((_, observer) => {
    if (document.querySelector('#cards .card[data-state]')) { window.__bench.firstCard = performance.now(); observer.disconnect(); }
  }).observe(document, { childList: true, subtree: true, attributes: true });
`;

function gcode(moves: number): string {
  return ['M104 S210', 'M140 S60', 'G28', ...Array.from({ length: moves }, (_, i) => `G1 X${100 + (i % 40)} Y${100 + (i % 13)} Z${(i / 500).toFixed(2)} E${i / 20} F1200`), ''].join('\n');
}

async function main(): Promise<void> {
  const ids = Array.from({ length: PRINTERS }, (_, i) => `p${i + 1}`);
  const t = await startTestHost({
    config: {
      printers: ids.map((id, i) => ({ id, name: `Printer ${i + 1}`, connection: { port: 'virtual', autoconnect: true } })),
      serial: { temperatureInterval: 1, virtual: { speedFactor: 1 } },
      push: { rateHz: 2 },
      logging: { level: 'warn' },
    },
  });
  const registry = t.get<PrinterRegistry>(PrinterRegistry);
  for (let waited = 0; !registry.list().every((s) => s.printer.snapshot().state.id === 'OPERATIONAL'); waited += 100) {
    if (waited > 60_000) throw new Error('the printers did not connect');
    await new Promise((r) => setTimeout(r, 100));
  }
  const form = new FormData();
  form.append('file', new Blob([gcode(20_000)]), 'bench.gcode');
  await fetch(`${t.baseUrl}/api/files/local`, { method: 'POST', headers: { 'X-Api-Key': t.apiKey }, body: form });
  for (const id of ids) {
    await fetch(`${t.baseUrl}/printer/${id}/api/files/local/bench.gcode`, { method: 'POST', headers: { 'X-Api-Key': t.apiKey, 'Content-Type': 'application/json' }, body: JSON.stringify({ command: 'select', print: true }) });
  }

  try {
    const measured = await measure(t.baseUrl, t.apiKey, registry);
    // Lighthouse's own Chromium, once the measuring one is closed, on the same farm still printing
    let scores: LighthouseScores | undefined;
    try {
      if (process.env['BENCH_LIGHTHOUSE'] !== '0') scores = await lighthouse(`${t.baseUrl}/?apikey=${t.apiKey}`);
      for (const line of [...(scores?.warnings ?? []), ...(scores?.shortfalls ?? [])]) console.log(`lighthouse: ${line}`);
    } catch (err) {
      console.error(`lighthouse failed: ${(err as Error).message}`);
    }
    console.log(JSON.stringify({ ...measured, lighthouse_performance: scores?.performance ?? null, lighthouse_accessibility: scores?.accessibility ?? null }));
  } finally {
    await t.stop();
  }
}

/** The farm view in the measuring Chromium: first load, first card, then the page's CPU and long tasks over the window. */
async function measure(baseUrl: string, apiKey: string, registry: PrinterRegistry): Promise<Record<string, number>> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.addInitScript(PROBE);
    // BENCH_TRACE=<file>: a Chromium trace of the whole run (open it in DevTools' Performance panel) to find a long task's cause
    const trace = process.env['BENCH_TRACE'];
    if (trace) await browser.startTracing(page, { path: trace, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'v8.execute', 'disabled-by-default-v8.cpu_profiler', 'disabled-by-default-v8.gc'] });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(`${baseUrl}/?apikey=${apiKey}`);
    await page.waitForSelector(`#cards .card >> nth=${PRINTERS - 1}`, { timeout: 30_000 });
    const firstCard = (await page.evaluate('window.__bench.firstCard')) as number;
    const loaded = (await page.evaluate(`performance.getEntriesByType('resource').map((e) => e.name)`)) as string[];
    const scripts = loaded.map((url) => new URL(url)).filter((url) => /\.(js|css)$/.test(url.pathname));
    // the app's assets by their build's .gz copies; plugins' panel modules (ui-panels/…, served as they are) gzipped here
    let gzipBytes = 0;
    for (const url of scripts) {
      const name = url.pathname.split('/').pop()!;
      if (url.pathname.includes('/assets/')) gzipBytes += fs.statSync(path.join(WEB_ROOT, 'assets', `${name}.gz`)).size;
      else gzipBytes += zlib.gzipSync(Buffer.from(await (await fetch(url)).arrayBuffer()), { level: 9 }).length;
    }

    const busy = async () => ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) as number;
    const before = await busy();
    const start = Date.now();
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const cpu = ((await busy()) - before) / ((Date.now() - start) / 1000);
    const printing = registry.list().filter((s) => s.printer.snapshot().state.id === 'PRINTING').length;
    const longTasks = (await page.evaluate('window.__bench.longTasks')) as number;
    if (trace) await browser.stopTracing();
    console.log(`assets: ${scripts.map((url) => url.pathname).join(', ')}; printers printing at the end: ${printing}/${PRINTERS}`);
    for (const line of (await page.evaluate('window.__bench.longTaskTimes')) as string[]) console.log(`long task at ${line} ms`);
    for (const line of (await page.evaluate('window.__bench.frames')) as string[]) console.log(`long frame at ${line}`);
    return {
      first_load_kb_gzip: Math.round(gzipBytes / 102.4) / 10,
      first_card_live_ms: Math.round(firstCard),
      page_cpu_pct_16_printers: Math.round(cpu * 1000) / 10,
      long_tasks_over_50ms: longTasks,
    };
  } finally {
    await browser.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
