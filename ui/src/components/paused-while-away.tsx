/**
 * While the host is away (the page's live connection lost, reconnecting), or answers that it has no
 * such printer (`gone`), the view's controls are paused, said in a banner: one disabled fieldset around the whole view disables every button and
 * field at once (a plugin's too), so nothing offers to send what could only be answered "the host
 * cannot be reached". What was typed stays in its field; a field that had the focus gets it back
 * when the host is.
 */
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { connection } from '../push/connection.js';

export const PAUSED_TEXT = 'Reconnecting to the host… controls are paused until it is back. What you typed is kept.';

/** `gone`: what to say when the host has no such printer (its controls are paused too: there is nothing to control) */
export function PausedWhileAway({ children, gone }: { children: ComponentChildren; gone: ComponentChildren }) {
  const status = connection.value;
  const away = status === 'reconnecting' || status === 'gone';
  const scope = useRef<HTMLFieldSetElement>(null);
  // the control that had the focus when the host went (disabling it drops the focus to the body)
  const held = useRef<HTMLElement | null>(null);
  // read before the commit disables it: by the layout effect the browser may have moved the focus already
  if (away && !held.current && document.activeElement instanceof HTMLElement && scope.current?.contains(document.activeElement)) held.current = document.activeElement;
  useLayoutEffect(() => {
    if (away) return;
    const control = held.current;
    held.current = null;
    // back where it was, unless the person has gone on elsewhere meanwhile
    if (control?.isConnected && (!document.activeElement || document.activeElement === document.body)) control.focus();
  }, [away]);
  // a file dropped on a drop zone meanwhile would only be refused: it is not taken (nor opened by the browser)
  const refuseDrop = (e: DragEvent) => {
    if (!away) return;
    e.preventDefault();
    e.stopPropagation();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'none';
  };
  return (
    <>
      {/* role=alert: announced when it appears, as the host going is news that changes what the page can do */}
      {away && (
        <p class="away" role="alert">
          {status === 'gone' ? gone : PAUSED_TEXT}
        </p>
      )}
      {/* no box of its own (the view lays out as before) and no group for a screen reader: only the disabling */}
      <fieldset ref={scope} class="pause-scope" role="none" disabled={away} onDragOverCapture={refuseDrop} onDropCapture={refuseDrop}>
        {children}
      </fieldset>
    </>
  );
}
