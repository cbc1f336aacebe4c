/**
 * Cross-site request forgery: a browser sends the session cookie with any request to the host,
 * including one another page made it send (a form posting to /api/job). So a change that is
 * authenticated by the cookie alone must also carry the `X-CSRF-Token` header, which another
 * origin cannot set without the host's CORS consent. Its value is derived from the session (no
 * state to keep), handed over in the login's answer (`csrfToken`): not as a cookie, so that a page
 * keeps nothing of a login where scripts can read it. A request with an API key (the web app sends
 * one) needs none.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function csrfTokenOf(session: string): string {
  return createHash('sha256').update(`cuttle csrf\u0000${session}`).digest('hex').slice(0, 40);
}

/** Whether a request authenticated by its session cookie may go on: reads always, changes with the session's token. */
export function csrfAllows(method: string | undefined, session: string, headers: Record<string, string | string[] | undefined>): boolean {
  if (method === undefined || SAFE_METHODS.has(method.toUpperCase())) return true;
  const given = headers[CSRF_HEADER];
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(csrfTokenOf(session));
  return a.length === b.length && timingSafeEqual(a, b);
}
