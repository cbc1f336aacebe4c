/** Pending application-key requests (an app asking for a key), each with Allow and Deny. */
import { useEffect, useState } from 'preact/hooks';
import { api, reasonOf } from '../../api/http.js';
import { Notice } from '../../components/notice.js';

interface Pending {
  app_id: string;
  user_id: string | null;
  user_token: string;
}

export function AppKeyRequests({ changed }: { changed: number }) {
  const [pending, setPending] = useState<Pending[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    api<{ pending?: Pending[] }>('GET', 'api/plugin/appkeys?all').then(
      (r) => setPending(r.pending ?? []),
      () => setPending([]),
    );
  useEffect(() => void load(), [changed]);
  const decide = (p: Pending, allow: boolean) =>
    api('POST', `plugin/appkeys/decision/${encodeURIComponent(p.user_token)}`, { decision: allow })
      .catch((err) => setError(`decision failed: ${reasonOf(err)}`))
      .then(load);
  return (
    <section class="panel" aria-labelledby="appkeys-h">
      <header>
        <h2 id="appkeys-h">Application key requests</h2>
      </header>
      <Notice error={error} onDismiss={() => setError(null)} />
      {pending.length === 0 ? (
        <p class="muted" id="appkeys-empty">
          No application is asking for a key. When one asks (a slicer's or a phone app's "request a key"), it shows here to allow or deny.
        </p>
      ) : (
        <ul id="appkeys" class="log">
          {pending.map((p) => (
            <li key={p.user_token} data-token={p.user_token} class="row">
              <span class="text">
                {p.app_id}
                {p.user_id ? ` (for ${p.user_id})` : ''}
              </span>
              <button type="button" class="allow primary" onClick={() => void decide(p, true)}>
                Allow
              </button>
              <button type="button" class="deny" onClick={() => void decide(p, false)}>
                Deny
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
