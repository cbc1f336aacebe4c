/**
 * The web app's browser tests: headless Chromium with the page's real CSP (no bypass, so a violation
 * shows as a console error), axe-core run in the page, and a printer whose simulator runs as its own
 * process on a pty, recording every command it executed (what the app's controls really sent).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startSimulatorProcess, type SimulatorProcess } from '../../scripts/bench/simulator-process.js';
import { launchChromium } from '../farm-page/support.js';

export { launchChromium };

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** script errors and console errors (CSP refusals among them), except the expected 403 of a passive login without a session */
  errors: string[];
}

export async function openWatchedPage(browser: Browser, viewport = { width: 1280, height: 900 }): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 403/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return { context, page, errors };
}

const AXE = require.resolve('axe-core/axe.min.js');

/** axe-core's serious and critical violations on the page as it is now (WCAG 2.1 A and AA rules). */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(fs.readFileSync(AXE, 'utf8'));
  const result = (await page.evaluate(`axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] })`)) as {
    violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
  };
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export interface RecordedPrinter {
  sim: SimulatorProcess;
  /** stops the simulator and reads the commands it executed from the serial line, in order */
  executed(): Promise<string[]>;
}

/** A simulator process on a socat pty at 115 200 baud (bytes paced, so a print takes a while), recording what it executes. */
export async function recordedPrinter(): Promise<RecordedPrinter> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-ui-sim-'));
  const record = path.join(dir, 'record.jsonl');
  const started = await startSimulatorProcess(dir, 115200, ['--record', record]);
  let stopping: Promise<void> | undefined;
  const sim = { ...started, stop: () => (stopping ??= started.stop()) };
  return {
    sim,
    async executed() {
      await sim.stop();
      const lines = fs.readFileSync(record, 'utf8').split('\n').filter(Boolean);
      fs.rmSync(dir, { recursive: true, force: true });
      return lines.map((line) => JSON.parse(line) as { command: string; source: string }).filter((c) => c.source === 'serial').map((c) => c.command);
    },
  };
}

/** `moves` G1 moves with extrusion, a new 0.2 mm layer every 2 000: at 115 200 baud about 400 lines a second. */
export function storyGcode(moves: number): string {
  const lines = ['; the newcomer story', 'G21', 'G90', 'M82'];
  for (let i = 0; i < moves; i++) {
    if (i % 2000 === 0) lines.push(`G1 Z${((i / 2000 + 1) * 0.2).toFixed(1)} F600`);
    lines.push(`G1 X${(i % 50) + 10} Y${(i % 37) + 10} E${(i / 100).toFixed(2)} F3000`);
  }
  return [...lines, 'M104 S0', ''].join('\n');
}

/**
 * Keyboard only: presses Tab (Shift+Tab with `back`) until the focused element matches `selector`,
 * at most `max` presses; throws naming where the focus went. Each stop must show its focus (see focusShown).
 */
export async function tabTo(page: Page, selector: string, { back = false, max = 150 }: { back?: boolean; max?: number } = {}): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const name = String(
      await page.evaluate(`(() => {
        const el = document.activeElement;
        if (!el) return 'nothing';
        return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' + ((el.textContent || '').trim().slice(0, 30) || el.getAttribute('aria-label') || '') + '"';
      })()`),
    );
    // past the page's last control the focus goes to the browser's own (the body stays active): go on
    if (name.startsWith('body ')) continue;
    if (!(await focusShown(page))) throw new Error(`the focus on ${name} is not visible`);
    if (await focused(page, selector)) return;
    seen.push(name);
  }
  throw new Error(`${selector} not reached in ${max} presses of Tab; the focus went through ${seen.join(', ')}`);
}

/** Whether the focused element draws a focus indicator a sighted keyboard user sees (an outline or a ring), on screen. */
export async function focusShown(page: Page): Promise<boolean> {
  return Boolean(
    await page.evaluate(`(() => {
      const el = document.activeElement;
      if (!el || el === document.body || !el.matches(':focus-visible')) return false;
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      const onScreen = box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0;
      return onScreen && ((style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none');
    })()`),
  );
}

/** Whether the focused element matches `selector`. */
export async function focused(page: Page, selector: string): Promise<boolean> {
  return Boolean(await page.evaluate(`!!document.activeElement && document.activeElement.matches(${JSON.stringify(selector)})`));
}

/**
 * The controls (and tables) that reach past their panel's padding into its edge, or beyond it, each
 * named with its panel and where it is; none on a page laid out right. A page-wide horizontal scroll
 * misses these: the panel's padding hides a few pixels of overflow, and a table's cell padding too.
 */
export async function outsideTheirPanel(page: Page): Promise<string[]> {
  return (await page.evaluate(`(() => {
    const out = [];
    for (const panel of document.querySelectorAll('.panel')) {
      const box = panel.getBoundingClientRect();
      const style = getComputedStyle(panel);
      const left = box.left + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft);
      const right = box.right - parseFloat(style.borderRightWidth) - parseFloat(style.paddingRight);
      for (const el of panel.querySelectorAll('button, input, select, table')) {
        const at = el.getBoundingClientRect();
        if (at.width === 0 || (at.left >= left - 0.5 && at.right <= right + 0.5)) continue;
        const what = (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 24);
        out.push(panel.getAttribute('aria-labelledby') + ': ' + el.tagName.toLowerCase() + ' "' + what + '" spans ' + Math.round(at.left) + '..' + Math.round(at.right) + ', the panel ' + Math.round(left) + '..' + Math.round(right));
      }
    }
    return out;
  })()`)) as string[];
}
