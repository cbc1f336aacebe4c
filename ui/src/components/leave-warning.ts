/**
 * While an upload is under way, leaving the page (a reload, back to another page, closing the tab)
 * asks first: the upload stopped without a word and the file was not there afterwards.
 */
import { useEffect } from 'preact/hooks';

export function useLeaveWarning(active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const ask = (e: BeforeUnloadEvent) => e.preventDefault();
    addEventListener('beforeunload', ask);
    return () => removeEventListener('beforeunload', ask);
  }, [active]);
}
