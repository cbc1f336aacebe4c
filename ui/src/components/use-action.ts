/**
 * Runs a control's request and keeps its outcome beside the control: busy while it runs, the
 * host's reason when it fails (shown where the user acted, not in a global toast). A reason goes
 * when it is old news: "the host cannot be reached" once the host is back, and a refusal for the
 * printer's state (409: not operational, already printing, not paused…) once that state changed.
 * Any other (a value out of range, a permission) stays until dismissed or the control is used again.
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

/** what makes an error old news: the host's return, or a change of the printer's state */
type Until = 'host-back' | 'state-changed' | null;

function untilOf(err: unknown): Until {
  if (!(err instanceof ApiError)) return null;
  return err.status === 0 ? 'host-back' : err.status === 409 ? 'state-changed' : null;
}

/** `printerState`: the state of the printer the control acts on, as shown (its text), when it has one */
export function useAction(printerState?: string): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const until = useRef<Until>(null);
  // the state the refusal was for: the callbacks below are made once, so they read it from here
  const stateNow = useRef(printerState);
  stateNow.current = printerState;
  const refusedIn = useRef<string | undefined>(undefined);
  const show = useCallback((reason: string | null, err?: unknown) => {
    until.current = untilOf(err);
    refusedIn.current = stateNow.current;
    setError(reason);
  }, []);
  const run = useCallback(async (work: () => Promise<unknown>) => {
    setBusy(true);
    show(null);
    try {
      await work();
      return true;
    } catch (err) {
      show(reasonOf(err), err);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  const live = connection.value === 'connected';
  useEffect(() => {
    if (live && until.current === 'host-back') show(null);
  }, [live]);
  useEffect(() => {
    if (until.current === 'state-changed' && printerState !== refusedIn.current) show(null);
  }, [printerState]);
  return { busy, error, run, refuse: show, clear: () => show(null) };
}
