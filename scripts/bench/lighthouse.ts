/**
 * Lighthouse 12.2.3 for `npm run bench:ui`, run as its own process on the page under test.
 *
 * Not a dependency of the project: it brings about 146 packages and 110 MB (puppeteer, Sentry, the
 * trace engine) that `npm ci` would install for every clone and CI run while only this benchmark
 * uses it. It is installed on first use into a cache folder outside the repository
 * (`$CUTTLE_BENCH_CACHE`, else `$XDG_CACHE_HOME/cuttle-bench`, else `~/.cache/cuttle-bench`), by npm
 * with an argv (no shell), and reused after.
 *
 * What it needs here: it launches its own Chromium, so CHROME_PATH=/usr/bin/chromium; as root
 * Chromium starts only with --no-sandbox, and with no display only headless (--headless=new); without
 * either it exits at once and Lighthouse gives up after its 25 s of connection retries. Its first-run
 * question about error reporting is never asked (CI=1, --no-enable-error-reporting). The run is
 * bounded (a timeout kills it, and Lighthouse's own wait for the page to load is capped), so a stall
 * costs a null figure, never a hung benchmark.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const LIGHTHOUSE_VERSION = '12.2.3';
const CHROMIUM = '/usr/bin/chromium';
/** the whole run; Lighthouse alone takes 20–40 s here on a loaded machine */
const RUN_TIMEOUT_MS = 240_000;

export interface LighthouseScores {
  /** 0–100, as Lighthouse shows them; null when the category could not be scored */
  performance: number | null;
  accessibility: number | null;
  /** the audits that cost points, for the report: `id (score): title` */
  shortfalls: string[];
  warnings: string[];
}

function cacheDir(): string {
  const base = process.env['CUTTLE_BENCH_CACHE'] ?? path.join(process.env['XDG_CACHE_HOME'] ?? path.join(os.homedir(), '.cache'), 'cuttle-bench');
  return path.join(base, `lighthouse-${LIGHTHOUSE_VERSION}`);
}

/** The CLI's entry: a project dependency if someone added one, else the cached install (made now if missing). */
async function lighthouseCli(): Promise<string> {
  try {
    return require.resolve('lighthouse/cli/index.js');
  } catch {
    // not a dependency: the cache
  }
  const dir = cacheDir();
  const cli = path.join(dir, 'node_modules', 'lighthouse', 'cli', 'index.js');
  if (!fs.existsSync(cli)) {
    fs.mkdirSync(dir, { recursive: true });
    if (!fs.existsSync(path.join(dir, 'package.json'))) fs.writeFileSync(path.join(dir, 'package.json'), '{"private": true}\n');
    console.error(`installing lighthouse@${LIGHTHOUSE_VERSION} into ${dir} (once)`);
    await run('npm', ['install', '--prefix', dir, '--save-exact', '--no-audit', '--no-fund', `lighthouse@${LIGHTHOUSE_VERSION}`], { timeout: 300_000 });
  }
  return cli;
}

type Report = {
  categories: Record<string, { score: number | null; auditRefs: { id: string; weight: number }[] }>;
  audits: Record<string, { score: number | null; title: string }>;
  runWarnings?: string[];
};

/** Scores `url` (a page that signs itself in, e.g. with `?apikey=`) for performance and accessibility. */
export async function lighthouse(url: string): Promise<LighthouseScores> {
  const cli = await lighthouseCli();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuttle-lighthouse-'));
  const output = path.join(dir, 'report.json');
  try {
    await run(
      process.execPath,
      [
        cli,
        url,
        '--output=json',
        `--output-path=${output}`,
        '--only-categories=performance,accessibility',
        '--quiet',
        '--no-enable-error-reporting',
        '--max-wait-for-load=30000',
        `--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --user-data-dir=${path.join(dir, 'profile')}`,
      ],
      { env: { ...process.env, CHROME_PATH: CHROMIUM, CI: '1' }, timeout: RUN_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
    );
    const report = JSON.parse(fs.readFileSync(output, 'utf8')) as Report;
    const score = (id: string) => {
      const s = report.categories[id]?.score;
      return typeof s === 'number' ? Math.round(s * 100) : null;
    };
    const shortfalls = Object.values(report.categories).flatMap((category) =>
      category.auditRefs
        .filter((ref) => ref.weight > 0 && report.audits[ref.id]?.score !== null && (report.audits[ref.id]?.score ?? 1) < 1)
        .map((ref) => `${ref.id} (${report.audits[ref.id]!.score}): ${report.audits[ref.id]!.title}`),
    );
    return { performance: score('performance'), accessibility: score('accessibility'), shortfalls, warnings: report.runWarnings ?? [] };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
