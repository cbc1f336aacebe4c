/**
 * A modal confirmation (modal.ts: inert page behind, Escape cancels, Tab kept inside, focus given back).
 */
import type { ComponentChildren } from 'preact';
import { useModalDialog } from './modal.js';

export function ConfirmDialog(props: { open: boolean; title: string; text: ComponentChildren; confirm: string; onConfirm(): void; onCancel(): void }) {
  const dialog = useModalDialog(props.open, props.onCancel);
  return (
    <dialog {...dialog} aria-labelledby="confirm-title">
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
