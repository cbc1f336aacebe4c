/**
 * A settings form's save, shared by every settings page: busy while it runs, "Saved." after (or what
 * `work` answers), the host's reason when it refuses, and a refusal naming a setting of the form
 * (`{key}`, and `owns(key)`) kept by that key so the form shows it at its field.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from '../../api/http.js';
import { Notice } from '../../components/notice.js';
import { useAction } from '../../components/use-action.js';

export interface Save {
  busy: boolean;
  error: string | null;
  /** "Saved." (or what the work answered) after a save went through */
  saved: string | null;
  /** refusals by the setting's key, found here or named by the host */
  fieldErrors: Readonly<Record<string, string>>;
  /** Runs `work` unless `found` holds problems found before asking the host (they are shown instead). */
  run(work: () => Promise<string | void>, found?: Record<string, string>): void;
  clear(): void;
}

export function useSave(owns: (key: string) => boolean = () => false): Save {
  const action = useAction();
  const [saved, setSaved] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const run = (work: () => Promise<string | void>, found: Record<string, string> = {}) => {
    setSaved(null);
    setFieldErrors(found);
    action.clear();
    if (Object.keys(found).length) return;
    void action.run(async () => {
      try {
        setSaved((await work()) || 'Saved.');
      } catch (err) {
        if (!(err instanceof ApiError && err.key && owns(err.key))) throw err;
        setFieldErrors({ [err.key]: err.message });
      }
    });
  };
  return { busy: action.busy, error: action.error, saved, fieldErrors, run, clear: action.clear };
}

/** The form's submit button, what became of the last save, and the host's reason when not about one field. */
export function SaveBar({ save, label = 'Save', disabled = false, children }: { save: Save; label?: string; disabled?: boolean; children?: ComponentChildren }) {
  return (
    <>
      <div class="row">
        {children}
        <button type="submit" class="primary" disabled={save.busy || disabled}>
          {label}
        </button>
        {save.saved && <span role="status">{save.saved}</span>}
      </div>
      <Notice error={save.error} onDismiss={save.clear} />
    </>
  );
}
