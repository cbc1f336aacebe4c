/**
 * Loads what a view shows whenever what it depends on changes, and keeps only the newest load's
 * answer. Answers can arrive out of order: the files list asked for at mount could land after the
 * one asked for when the file's analysis finished, and the list went back to "no analysis" for good
 * (seen in CI); a history filter changed twice showed the first filter's jobs.
 */
import { useEffect } from 'preact/hooks';

export function useLatestLoad<T>(load: () => Promise<T>, apply: (value: T) => void, fail: (err: unknown) => void, deps: readonly unknown[]): void {
  useEffect(() => {
    let newest = true;
    load().then(
      (value) => newest && apply(value),
      (err: unknown) => newest && fail(err),
    );
    return () => {
      newest = false;
    };
  }, deps);
}
