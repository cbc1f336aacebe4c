/**
 * A double click on a button acts once. The second click of a double (or triple) click is dropped
 * before any handler sees it: Print, Pause, Connect or a dialog's Confirm clicked twice in a hurry
 * sent their request twice (a confirm's second click landed while its dialog was still closing, and
 * the host answered the second Cancel with an error). Two separate clicks (slower than the system's
 * double-click time) and the keyboard still act each time. A step button (`data-repeatable`: jog,
 * extrude) acts on every click, as in OctoPrint and Mainsail: tapping X+ three times quickly is
 * how a person moves three steps.
 */
export function actOncePerDoubleClick(target: Pick<Window, 'addEventListener'>): void {
  target.addEventListener(
    'click',
    (e) => {
      // `detail` counts the clicks of one multi-click; the keyboard's activation has 0
      const button = e.detail > 1 && e.target instanceof Element ? e.target.closest('button') : null;
      if (button && !button.hasAttribute('data-repeatable')) {
        e.stopImmediatePropagation();
        e.preventDefault();
      }
    },
    // capture, on the window: before the button's own handlers and a form's submit
    true,
  );
}
