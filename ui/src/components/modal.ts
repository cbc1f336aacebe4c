/**
 * What every modal dialog of the app does, on the native <dialog> (the page behind it inert, Escape
 * cancels): shown while `open`, Tab and Shift+Tab going round its controls (the native one lets the
 * focus out to the browser past its last control), and the focus given back to the control that
 * opened it when it closes. `useModalDialog` gives the ref and the handlers to spread on the element.
 */
import { useLayoutEffect, useRef } from 'preact/hooks';

/** Keeps Tab inside `box`: from its last focusable control to its first, and back. */
function trapTab(box: HTMLElement, e: KeyboardEvent): void {
  if (e.key !== 'Tab') return;
  const controls = [...box.querySelectorAll<HTMLElement>('button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])')].filter((c) => !c.hasAttribute('disabled'));
  if (!controls.length) return;
  const first = controls[0]!;
  const last = controls[controls.length - 1]!;
  if (e.shiftKey && document.activeElement === first) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first.focus();
  }
}

/**
 * Gives the focus back to the control that opened a dialog; when that control cannot take it (a print's
 * Cancel is disabled once the print is cancelled) to the panel around it, so that the next Tab goes on
 * from there and not from the top of the page (the focus was left on the body).
 */
function focusBack(opener: HTMLElement): void {
  if (opener.isConnected && !opener.hasAttribute('disabled')) {
    opener.focus();
    return;
  }
  const around = opener.isConnected ? opener.closest<HTMLElement>('section, main') : null;
  if (!around) return;
  if (!around.hasAttribute('tabindex')) around.tabIndex = -1;
  around.focus();
}

export function useModalDialog(open: boolean, onCancel: () => void) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  // a layout effect: opened in the same task as the click or key that asked for it. With an effect (after
  // the next paint) Escape and at once Enter lost the dialog: the first one's late 'close' came before the
  // new one was shown, found it closed, and cancelled it (4 times in 40)
  useLayoutEffect(() => {
    const dialog = ref.current!;
    if (open && !dialog.open) {
      opener.current = document.activeElement as HTMLElement | null;
      dialog.showModal();
    }
    if (!open && dialog.open) dialog.close();
    // closed: the focus goes back where it was
    if (!open && opener.current) {
      const back = opener.current;
      opener.current = null;
      focusBack(back);
    }
  }, [open]);
  return {
    ref,
    onCancel,
    // 'close' comes in a task of its own after the dialog closed; by then a quick Escape and Enter may have
    // opened it again, and a stale close would shut the new one: only a dialog still closed is cancelled
    // (Chrome can close it without a 'cancel' event, for a second Escape without a click between)
    onClose: () => {
      if (!ref.current?.open) onCancel();
    },
    onKeyDown: (e: KeyboardEvent) => trapTab(ref.current!, e),
  };
}
