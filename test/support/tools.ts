/**
 * Tests that need a program (socat, ffmpeg, prusa-slicer, chromium, redis-server, mosquitto) or a
 * platform: `needsTool(this, 'ffmpeg')` in a `before` (or `it`) hook. When it is missing, the test
 * FAILS if `CI` is set (CI installs every tool: a missing one is a broken CI, not a pass), and is skipped,
 * with the reason, only outside CI.
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** The program's path on PATH, or undefined. */
export function findTool(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Fails (in CI) or skips (elsewhere) the calling hook's tests unless `available`. */
export function needs(context: Mocha.Context, what: string, available: boolean): void {
  if (available) return;
  if (process.env.CI) throw new Error(`${what} is missing, and CI is set: CI must provide it`);
  console.warn(`      skipped: ${what} is missing (a failure where CI is set)`);
  context.skip();
}

/** `needs` for a program on PATH; returns its path. */
export function needsTool(context: Mocha.Context, name: string): string {
  const found = findTool(name);
  needs(context, `the program ${name}`, found !== undefined);
  return found!;
}
