/**
 * Who is signed in, and how: a user name and password (the host's login session, also set as its
 * cookie, so a reload or a new tab of this browser session is still signed in), or an API key (kept
 * for this tab in sessionStorage, in localStorage only when the user asks to be remembered).
 * Permissions come from `/api/currentuser`; the app hides what they do not allow, the host refuses it.
 */
import { computed, effect, signal } from '@preact/signals';
import { api, ApiError, credentialRefused, reasonOf, setCredential } from './http.js';
import type { CurrentUser, LoginAnswer } from './types.js';

const KEY_ITEM = 'cuttle.apikey';

export type SignIn = { status: 'checking' } | { status: 'signed-out'; reason: string } | { status: 'signed-in'; user: CurrentUser; via: 'password' | 'key' };

export const signIn = signal<SignIn>({ status: 'checking' });
export const currentUser = computed(() => (signIn.value.status === 'signed-in' ? signIn.value.user : null));

/** Does the signed-in user hold this permission (core/auth/permissions.ts keys: CONTROL, PRINT, FILES_UPLOAD, …)? */
export function can(permission: string): boolean {
  return currentUser.value?.permissions.includes(permission) ?? false;
}

async function signedInWith(credential: string, via: 'password' | 'key'): Promise<void> {
  setCredential(credential);
  const user = await api<CurrentUser>('GET', 'api/currentuser');
  signIn.value = { status: 'signed-in', user, via };
}

function signedOut(reason: string): void {
  setCredential(null);
  signIn.value = { status: 'signed-out', reason };
}

function storedKey(): string | null {
  return sessionStorage.getItem(KEY_ITEM) ?? localStorage.getItem(KEY_ITEM);
}

/** At page load: `?apikey=` (then taken out of the address bar), a kept key, or this browser's login cookie. */
export async function resumeSignIn(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('apikey');
  if (fromUrl !== null) {
    params.delete('apikey');
    const query = params.toString();
    history.replaceState(history.state, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
    return signInWithKey(fromUrl, false);
  }
  const key = storedKey();
  if (key) return signInWithKey(key, localStorage.getItem(KEY_ITEM) === key);
  try {
    // the cookie of a password login in this browser session turns into its session id
    const login = await api<LoginAnswer>('POST', 'api/login', { passive: true }, { credential: null });
    await signedInWith(login.session, 'password');
  } catch {
    signedOut('');
  }
}

export async function signInWithKey(key: string, remember: boolean): Promise<void> {
  try {
    await signedInWith(key.trim(), 'key');
    sessionStorage.setItem(KEY_ITEM, key.trim());
    if (remember) localStorage.setItem(KEY_ITEM, key.trim());
    else localStorage.removeItem(KEY_ITEM);
  } catch (err) {
    sessionStorage.removeItem(KEY_ITEM);
    signedOut(err instanceof ApiError && err.status === 403 ? 'The host refused this API key.' : reasonOf(err));
  }
}

export async function signInWithPassword(user: string, pass: string): Promise<void> {
  try {
    // the space a phone's keyboard leaves after a word it completed is no part of the name
    const login = await api<LoginAnswer>('POST', 'api/login', { user: user.trim(), pass }, { credential: null });
    await signedInWith(login.session, 'password');
  } catch (err) {
    signedOut(reasonOf(err));
  }
}

export async function signOut(): Promise<void> {
  // ends the login session (or the session a key's push connection made); the key itself stays valid
  await api('POST', 'api/logout').catch(() => undefined);
  sessionStorage.removeItem(KEY_ITEM);
  localStorage.removeItem(KEY_ITEM);
  signedOut('Signed out.');
}

// a refused credential (the host restarted and forgot the session, the key was revoked): sign in again
effect(() => {
  if (credentialRefused.value === 0) return;
  const current = signIn.peek();
  if (current.status !== 'signed-in') return;
  if (current.via === 'key') signedOut('The host refused this API key.');
  else signedOut('Your session ended: sign in again.');
});
