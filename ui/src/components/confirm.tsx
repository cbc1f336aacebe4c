/** A modal confirmation (the native <dialog>: focus kept inside, Escape cancels). */
import { useEffect, useRef } from 'preact/hooks';

export function ConfirmDialog(props: { open: boolean; title: string; text: string; confirm: string; onConfirm(): void; onCancel(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current!;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog ref={ref} aria-labelledby="confirm-title" onCancel={props.onCancel} onClose={props.onCancel}>
      <h2 id="confirm-title">{props.title}</h2>
      <p>{props.text}</p>
      <div class="row">
        <button type="button" class="danger" onClick={props.onConfirm}>
          {props.confirm}
        </button>
        <button type="button" autoFocus onClick={props.onCancel}>
          Keep printing
        </button>
      </div>
    </dialog>
  );
}
