/** Sign in with a user name and password, or with an API key ("remember me" keeps the key in this browser). */
import { useState } from 'preact/hooks';
import { signInWithKey, signInWithPassword } from '../api/session.js';

export function SignInForm({ reason }: { reason: string }) {
  const [withKey, setWithKey] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    const done = withKey
      ? signInWithKey(String(form.get('key') ?? ''), form.get('remember') === 'on')
      : signInWithPassword(String(form.get('user') ?? ''), String(form.get('pass') ?? ''));
    void done.finally(() => setBusy(false));
  };
  return (
    <section class="panel signin" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in to cuttle</h1>
      {reason && (
        <p class="notice" role="alert">
          {reason}
        </p>
      )}
      <form onSubmit={submit} aria-describedby="signin-help">
        {withKey ? (
          <>
            <label class="stack">
              API key
              <input name="key" type="password" autocomplete="off" required autoFocus />
            </label>
            <label>
              <input name="remember" type="checkbox" /> Remember me on this browser
            </label>
          </>
        ) : (
          <>
            <label class="stack">
              User name
              {/* a phone's keyboard would capitalise 'ada' to 'Ada' (another user, or none) */}
              <input name="user" autocomplete="username" autocapitalize="none" autocorrect="off" spellcheck={false} required autoFocus />
            </label>
            <label class="stack">
              Password
              <input name="pass" type="password" autocomplete="current-password" required />
            </label>
          </>
        )}
        <div class="row">
          <button class="primary" type="submit" disabled={busy}>
            Sign in
          </button>
          <button type="button" onClick={() => setWithKey(!withKey)}>
            {withKey ? 'Use a user name and password' : 'Use an API key'}
          </button>
        </div>
      </form>
      <p id="signin-help" class="muted">
        {withKey ? (
          <>
            The host's key is <code>api.key</code> in <code>~/.cuttle/config.yaml</code>; a key of your own: <code>npx cuttle user key NAME</code>.
          </>
        ) : (
          <>
            Users are added with <code>npx cuttle user add NAME --password-stdin</code>.
          </>
        )}
      </p>
    </section>
  );
}
