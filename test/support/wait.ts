/**
 * The one polling helper of the tests: wait for a condition instead of sleeping for a guessed time.
 * `waitFor(probe, timeoutMs?, what?)` calls `probe` (sync or async) every few milliseconds until it
 * gives a truthy value, and resolves with that value; at the timeout it rejects naming `what` and the
 * last value seen, so a failure says what never happened.
 *
 * This is the only place in test/ where a test timer is a wait: everything else waits for an event,
 * a promise, or this. (scripts/bench/suite.ts counts fixed sleeps outside this file.)
 */

type Falsy = undefined | null | false | 0 | '';

export interface WaitOptions {
  /** how long before giving up, in ms (default 10 000) */
  timeoutMs?: number;
  /** what is awaited, for the timeout's message */
  what?: string;
  /** between two probes, in ms (default 10) */
  intervalMs?: number;
}

export async function waitFor<T>(probe: () => T | Falsy | Promise<T | Falsy>, timeoutOrOptions: number | WaitOptions = {}, what?: string): Promise<T> {
  const options = typeof timeoutOrOptions === 'number' ? { timeoutMs: timeoutOrOptions, what } : { what, ...timeoutOrOptions };
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${options.timeoutMs ?? 10_000} ms waiting for ${options.what ?? String(probe)} (last: ${JSON.stringify(value)})`);
    await tick(options.intervalMs ?? 10);
  }
}

/** Resolves after `ms`: only between two probes above, never as a test's wait. */
function tick(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}


/**
 * Polls `check` for `ms` and rejects as soon as it is false: for what must stay true over a stretch of
 * time ("nothing is sent while paused", "the print time stops"), where the stretch itself is the claim
 * and no event marks its end. Prefer waitFor whenever something can be waited for.
 */
export async function holdsFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  do {
    if (!check()) throw new Error(`no longer true: ${what}`);
    await tick(10);
  } while (Date.now() < end);
  if (!check()) throw new Error(`no longer true: ${what}`);
}
