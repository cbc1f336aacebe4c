/**
 * A file dropped beside the drop zone does not take the page away. The browser's default for a file
 * dropped on a page is to open it, so a G-code file missing the printer page's drop zone by a few
 * pixels replaced the app with the file's text (and a running upload or a typed value with it). Drops
 * that a zone or a file field takes are left to them; anywhere else a file drag is refused.
 */
export function keepStrayDrops(target: Pick<Window, 'addEventListener'>): void {
  const stray = (e: DragEvent) => {
    // a drop zone took it (it prevented the default), or not a file being dragged (text, a link)
    if (e.defaultPrevented || !e.dataTransfer?.types.includes('Files')) return;
    // a file field takes a dropped file itself: its default is the one wanted
    if (e.target instanceof HTMLInputElement && e.target.type === 'file') return;
    e.preventDefault();
    // the pointer says no drop here
    e.dataTransfer.dropEffect = 'none';
  };
  target.addEventListener('dragover', stray);
  target.addEventListener('drop', stray);
}
