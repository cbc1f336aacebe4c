/**
 * Runs a control's request and keeps its outcome beside the control: busy while it runs, the
 * host's reason when it fails (shown where the user acted, not in a global toast).
 */
import { useCallback, useState } from 'preact/hooks';
import { reasonOf } from '../api/http.js';

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
  const run = useCallback(async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (err) {
      setError(reasonOf(err));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, refuse: setError, clear: () => setError(null) };
}
