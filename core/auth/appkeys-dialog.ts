/**
 * The light-weight auth dialog (OctoPrint's `auth_dialog` URL): the person logs in with their
 * password and allows or denies the app. Plain HTML and a few lines of script calling
 * `/api/login` (session cookie) and `/plugin/appkeys/decision/<user_token>`.
 */
import type { AppKeyRequest } from './appkey-requests.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function authDialogPage(request: AppKeyRequest): string {
  const app = escapeHtml(request.app);
  const user = escapeHtml(request.user ?? '');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Allow ${app}?</title>
<style>body{font-family:sans-serif;max-width:24rem;margin:3rem auto}input,button{display:block;width:100%;margin:.4rem 0;padding:.4rem}</style></head>
<body><h1>Allow “${app}”?</h1>
<p>The application “${app}” asks for access to this printer${user ? ` as <b>${user}</b>` : ''}. Log in to decide.</p>
<form id="f"><input id="u" placeholder="user" value="${user}" autocomplete="username"><input id="p" type="password" placeholder="password" autocomplete="current-password">
<button type="submit" data-d="1">Allow</button><button type="submit" data-d="0">Deny</button></form><p id="m"></p>
<script>
const token = ${JSON.stringify(request.userToken)};
document.getElementById('f').addEventListener('submit', async (e) => {
  e.preventDefault();
  const decision = e.submitter.dataset.d === '1';
  const say = (t) => (document.getElementById('m').textContent = t);
  const json = { 'Content-Type': 'application/json' };
  const login = await fetch('/api/login', { method: 'POST', headers: json, body: JSON.stringify({ user: document.getElementById('u').value, pass: document.getElementById('p').value }) });
  if (!login.ok) return say('Login failed.');
  const r = await fetch('/plugin/appkeys/decision/' + token, { method: 'POST', headers: json, body: JSON.stringify({ decision }) });
  say(r.ok ? (decision ? 'Access granted: you can close this window.' : 'Access denied.') : 'Could not decide (' + r.status + ').');
});
</script></body></html>`;
}
