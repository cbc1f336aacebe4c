/**
 * Runs a control's request and keeps its outcome beside the control: busy while it runs, the
 * host's reason when it fails (shown where the user acted, not in a global toast).
 */
import { useCallback, useState } from 'preact/hooks';
import { reasonOf } from '../api/http.js';

export interface Action {
  busy: boolean;
  error: string | null;
  run(work: () => Promise<unknown>): Promise<void>;
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
    } catch (err) {
      setError(reasonOf(err));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: () => setError(null) };
}
