/**
 * Runs a control's request and keeps its outcome beside the control: busy while it runs, the
 * host's reason when it fails (shown where the user acted, not in a global toast).
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, reasonOf } from '../api/http.js';
import { connection } from '../push/connection.js';

export interface Action {
  busy: boolean;
  error: string | null;
  /** true when the work succeeded (a form keeps what was typed when it did not) */
  run(work: () => Promise<unknown>): Promise<boolean>;
  /** shows a refusal of the app's own (a value it cannot send) where the host's would be */
  refuse(reason: string): void;
  clear(): void;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // the error is "the host cannot be reached" (no answer at all), which its return makes old news
  const unreachable = useRef(false);
  const show = useCallback((reason: string | null, away = false) => {
    unreachable.current = away;
    setError(reason);
  }, []);
  const run = useCallback(async (work: () => Promise<unknown>) => {
    setBusy(true);
    show(null);
    try {
      await work();
      return true;
    } catch (err) {
      show(reasonOf(err), err instanceof ApiError && err.status === 0);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  // the page is live again after the host was away (a restart): its "cannot be reached" goes
  const live = connection.value === 'connected';
  useEffect(() => {
    if (live && unreachable.current) show(null);
  }, [live]);
  return { busy, error, run, refuse: show, clear: () => show(null) };
}
