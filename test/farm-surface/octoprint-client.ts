/**
 * An OctoPrint client for the farm tests, written the way OctoPrint's own JS client library
 * (src/octoprint/static/js/app/client/base.js and its components) talks to a server: it takes one
 * base URL, makes sure it ends in "/" (`getBaseUrl`), joins relative paths to it (`api/version`,
 * `api/files/local`, `plugin/appkeys/…`), sends the key as `X-Api-Key`, posts commands as JSON
 * `{command, …}` (`issueCommand`), uploads as multipart with `file` plus extra fields, and opens its
 * socket with SockJS at `getBaseUrl() + "sockjs"`. That library is not published on npm (it ships
 * only inside OctoPrint's Python package), so these tests carry this rendering of it.
 *
 * `sloppy: true` is a client that joins as many third-party tools do: `base + "/api/…"` without
 * looking at the base's slash, so it sends `//api/…` when the base ends in one.
 */
import { replyOf } from '../api/support.js';

export interface ClientReply {
  status: number;
  json: any;
  headers: Headers;
}

export interface OctoPrintClientOptions {
  baseurl: string;
  apikey?: string;
  /** join as `base + "/" + path` instead of OctoPrint's way */
  sloppy?: boolean;
}

export class OctoPrintClient {
  constructor(readonly options: OctoPrintClientOptions) {}

  /** base.js `getBaseUrl`: the base with exactly one trailing slash added when missing */
  getBaseUrl(): string {
    const url = this.options.baseurl;
    return url.endsWith('/') ? url : `${url}/`;
  }

  /** what a path becomes: base.js joins `getBaseUrl() + url` unless the url is absolute */
  urlOf(url: string): string {
    if (url.startsWith('http://') || url.startsWith('https://')) return url;
    return this.options.sloppy ? `${this.options.baseurl}/${url}` : this.getBaseUrl() + url;
  }

  async ajax(method: string, url: string, body?: RequestInit['body'], headers: Record<string, string> = {}): Promise<ClientReply> {
    const all: Record<string, string> = { ...headers };
    if (this.options.apikey) all['X-Api-Key'] = this.options.apikey;
    if (method !== 'GET') all['Cache-Control'] = 'no-cache';
    return replyOf(await fetch(this.urlOf(url), { method, headers: all, body, redirect: 'manual' }));
  }

  get(url: string): Promise<ClientReply> {
    return this.ajax('GET', url);
  }

  postJson(url: string, data: unknown): Promise<ClientReply> {
    return this.ajax('POST', url, JSON.stringify(data), { 'Content-Type': 'application/json; charset=UTF-8' });
  }

  delete(url: string): Promise<ClientReply> {
    return this.ajax('DELETE', url);
  }

  /** base.js `issueCommand`: `{command, ...payload}` as JSON */
  issueCommand(url: string, command: string, payload: Record<string, unknown> = {}): Promise<ClientReply> {
    return this.postJson(url, { ...payload, command });
  }

  /** base.js `upload`: multipart with `file` and the additional fields */
  upload(url: string, content: string, filename: string, additional: Record<string, string> = {}): Promise<ClientReply> {
    const form = new FormData();
    form.append('file', new Blob([content]), filename);
    for (const [key, value] of Object.entries(additional)) form.append(key, value);
    return this.ajax('POST', url, form);
  }

  // --- the components the session uses (client/*.js), with their paths ---

  readonly browser = {
    /** browser.js `passiveLogin` */
    passiveLogin: () => this.postJson('api/login', { passive: true }),
  };

  readonly connection = {
    getSettings: () => this.get('api/connection'),
    connect: (data: Record<string, unknown> = {}) => this.issueCommand('api/connection', 'connect', data),
    disconnect: () => this.issueCommand('api/connection', 'disconnect'),
  };

  readonly files = {
    list: (recursively = false) => this.get(`api/files${recursively ? '?recursive=true' : ''}`),
    listForLocation: (location: string) => this.get(`api/files/${location}`),
    get: (location: string, path: string) => this.get(`api/files/${location}/${escapePath(path)}`),
    upload: (location: string, content: string, filename: string, additional: Record<string, string> = {}) =>
      this.upload(`api/files/${location}`, content, filename, additional),
    select: (location: string, path: string, print = false) => this.issueCommand(`api/files/${location}/${escapePath(path)}`, 'select', { print }),
    delete: (location: string, path: string) => this.delete(`api/files/${location}/${escapePath(path)}`),
  };

  readonly job = {
    get: () => this.get('api/job'),
    start: () => this.issueCommand('api/job', 'start'),
    cancel: () => this.issueCommand('api/job', 'cancel'),
  };

  readonly printer = {
    getFullState: () => this.get('api/printer'),
    getSdState: () => this.get('api/printer/sd'),
    initSd: () => this.issueCommand('api/printer/sd', 'init'),
  };

  /** socket.js: SockJS at the base's `sockjs` */
  socketUrl(): string {
    return this.urlOf('sockjs');
  }
}

/** OctoPrintClient.escapePath */
export function escapePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
