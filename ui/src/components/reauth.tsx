/**
 * The password dialog the host's "enter your password again" answer opens (a restore, adding or
 * changing a user: core/http/principal.ts requireRecentCredentials). The password renews this same
 * login session (`POST /api/login` with its own user), and the refused call is then made again
 * (api/http.ts). Cancelling gives the call its refusal. A sign-in with an API key is never asked.
 */
import { signal } from '@preact/signals';
import { useEffect, useState } from 'preact/hooks';
import { api, reasonOf, setReauthenticator } from '../api/http.js';
import { currentUser } from '../api/session.js';
import { useModalDialog } from './modal.js';

const asking = signal<((entered: boolean) => void) | null>(null);

function ask(): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    // a second call refused meanwhile waits for the same answer
    const earlier = asking.peek();
    asking.value = (entered) => {
      earlier?.(entered);
      resolve(entered);
    };
  });
}

function answer(entered: boolean): void {
  const resolve = asking.peek();
  asking.value = null;
  resolve?.(entered);
}

export function ReauthDialog() {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const open = asking.value !== null;
  // asked only while this dialog is there to answer (a password sign-in)
  useEffect(() => {
    setReauthenticator(ask);
    return () => {
      setReauthenticator(null);
      answer(false);
    };
  }, []);
  const dialog = useModalDialog(open, () => asking.peek() && answer(false));
  useEffect(() => {
    if (open) setError('');
  }, [open]);
  const user = currentUser.value?.name ?? '';
  return (
    <dialog {...dialog} id="reauth" aria-labelledby="reauth-title">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget as HTMLFormElement;
          const pass = String(new FormData(form).get('pass') ?? '');
          setBusy(true);
          setError('');
          api('POST', 'api/login', { user, pass })
            .then(() => {
              form.reset();
              answer(true);
            })
            .catch((err: unknown) => setError(reasonOf(err)))
            .finally(() => setBusy(false));
        }}
      >
        <h2 id="reauth-title">Enter your password again</h2>
        <p>The host asks for {user ? `${user}’s` : 'your'} password before it does this.</p>
        <label class="stack">
          Password
          <input name="pass" type="password" autocomplete="current-password" required autoFocus aria-describedby={error ? 'reauth-error' : undefined} />
        </label>
        {error && (
          <p id="reauth-error" class="notice" role="alert">
            {error}
          </p>
        )}
        <div class="row">
          <button type="submit" class="primary" disabled={busy}>
            Confirm
          </button>
          <button type="button" onClick={() => answer(false)}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
