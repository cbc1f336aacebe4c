/**
 * REST calls to the host, relative to the page. Each call carries the credential of the sign-in
 * (an API key or a login session id) in `X-Api-Key`: a header another site cannot make a browser
 * send, so no call of the app rests on the cookie alone (CSRF-safe by construction).
 */
import { signal } from '@preact/signals';

/** A refused or failed call, with the server's reason (`{error}`) when it gave one, and the setting it names (`{key}`) when it is about one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly key?: string,
    /** the host wants the password entered again before this (a restore, a user changed) */
    readonly reauthenticate = false,
  ) {
    super(message);
  }
}

let reauthenticator: (() => Promise<boolean>) | null = null;

/** Who asks for the password when the host wants it again (the app's password dialog): true once it was entered. */
export function setReauthenticator(ask: (() => Promise<boolean>) | null): void {
  reauthenticator = ask;
}

let credential: string | null = null;

/** Set by the sign-in; null when signed out. */
export function setCredential(value: string | null): void {
  credential = value;
}

export function currentCredential(): string | null {
  return credential;
}

/** Fired when the host refuses the credential itself (expired session, revoked key): the app asks to sign in again. */
export const credentialRefused = signal(0);

function headers(json: boolean): Record<string, string> {
  const h: Record<string, string> = {};
  if (credential) h['X-Api-Key'] = credential;
  if (json) h['Content-Type'] = 'application/json';
  return h;
}

const REFUSED = /valid API key or session is required/i;

async function failure(status: number, text: string): Promise<ApiError> {
  let reason = text;
  let key: string | undefined;
  let reauthenticate = false;
  try {
    const parsed = JSON.parse(text) as { error?: unknown; key?: unknown; reauthenticate?: unknown };
    if (typeof parsed.error === 'string') reason = parsed.error;
    if (typeof parsed.key === 'string') key = parsed.key;
    reauthenticate = status === 403 && parsed.reauthenticate === true;
  } catch {
    /* not JSON: the text itself */
  }
  if (status === 403 && credential && REFUSED.test(reason)) credentialRefused.value++;
  return new ApiError(status, reason || `HTTP ${status}`, key, reauthenticate);
}

/**
 * `path` is relative to the page (`api/job`, `printer/p2/api/job`). Answers the parsed JSON, or undefined
 * for an empty body. A call the host refuses until the password is entered again is asked for it (the
 * app's dialog) and then made once more; the host checked nothing else yet, so nothing happened twice.
 */
export async function api<T = unknown>(method: string, path: string, body?: unknown, options: { credential?: string | null } = {}): Promise<T> {
  try {
    return await call<T>(method, path, body, options);
  } catch (err) {
    if (!(err instanceof ApiError && err.reauthenticate && reauthenticator && (await reauthenticator()))) throw err;
    return call<T>(method, path, body, options);
  }
}

async function call<T>(method: string, path: string, body: unknown, options: { credential?: string | null }): Promise<T> {
  const h = headers(body !== undefined);
  if (options.credential !== undefined) {
    if (options.credential) h['X-Api-Key'] = options.credential;
    else delete h['X-Api-Key'];
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'the host cannot be reached');
  }
  const text = await response.text();
  if (!response.ok) throw await failure(response.status, text);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A multipart upload (`file` plus extra fields) with progress (0..1); XMLHttpRequest, as fetch reports no upload progress. */
export function upload<T = unknown>(path: string, file: File, fields: Record<string, string>, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const form = new FormData();
    form.append('file', file, file.name);
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    for (const [name, value] of Object.entries(headers(false))) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new ApiError(0, 'the host cannot be reached'));
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve((xhr.responseText ? JSON.parse(xhr.responseText) : undefined) as T);
      else void failure(xhr.status, xhr.responseText).then(reject);
    };
    xhr.send(form);
  });
}

/** The message to show for a failed call. */
export function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
