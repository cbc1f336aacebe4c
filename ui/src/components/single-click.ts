/**
 * A double click on a button acts once. The second click of a double (or triple) click is dropped
 * before any handler sees it: Print, Pause, Connect or a dialog's Confirm clicked twice in a hurry
 * sent their request twice (a confirm's second click landed while its dialog was still closing, and
 * the host answered the second Cancel with an error), and a jog moved twice as far. Two separate
 * clicks (slower than the system's double-click time) and the keyboard still act each time.
 */
export function actOncePerDoubleClick(target: Pick<Window, 'addEventListener'>): void {
  target.addEventListener(
    'click',
    (e) => {
      // `detail` counts the clicks of one multi-click; the keyboard's activation has 0
      if (e.detail > 1 && e.target instanceof Element && e.target.closest('button')) {
        e.stopImmediatePropagation();
        e.preventDefault();
      }
    },
    // capture, on the window: before the button's own handlers and a form's submit
    true,
  );
}
