/**
 * While an upload is under way, leaving the page (a reload, back to another page, closing the tab)
 * asks first: the upload stopped without a word and the file was not there afterwards.
 */
import { useLayoutEffect } from 'preact/hooks';

/**
 * A layout effect: armed in the same task that shows "uploading…", not a frame later (a useEffect
 * runs after the next paint, and a tab closed in between left without asking; seen in the test once
 * the page had more to draw at its start).
 */
export function useLeaveWarning(active: boolean): void {
  useLayoutEffect(() => {
    if (!active) return;
    const ask = (e: BeforeUnloadEvent) => e.preventDefault();
    addEventListener('beforeunload', ask);
    return () => removeEventListener('beforeunload', ask);
  }, [active]);
}
