/**
 * Moonraker's key-value database (`server.database.*`), where Mainsail, Fluidd and the others keep
 * their settings: one row per printer and namespace in the host's SQLite database, the namespace's
 * whole JSON value in it, written durably. Keys are dotted paths into the namespace's object.
 */
import { inject, injectable } from 'inversify';
import { HostDatabase } from '../database/database.js';
import { RPC_INVALID_PARAMS, RpcError } from './rpc.js';

/** a namespace's stored JSON may grow to this many bytes (settings, not files) */
const MAX_NAMESPACE_BYTES = 4 * 1024 * 1024;
const MAX_NAMESPACES = 256;
/**
 * all namespaces of one printer together: any signed-in user may write (settings are the client's own),
 * and 256 namespaces of 4 MiB let the lowest permission fill a gigabyte of disk per printer
 */
const MAX_PRINTER_BYTES = 16 * 1024 * 1024;

type Json = unknown;

/** Moonraker's own namespace: the host keeps its records there; clients read it but do not write it, as in Moonraker */
export const MOONRAKER_NAMESPACE = 'moonraker';

@injectable()
export class MoonrakerDatabase {
  private prepared = false;

  constructor(@inject(HostDatabase) private readonly host: HostDatabase) {}

  private get db() {
    if (!this.prepared) {
      this.host.db.exec('CREATE TABLE IF NOT EXISTS moonraker_db (printer TEXT NOT NULL, namespace TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (printer, namespace))');
      this.prepared = true;
    }
    return this.host.db;
  }

  namespaces(printer: string): string[] {
    return (this.db.prepare('SELECT namespace FROM moonraker_db WHERE printer = ? ORDER BY namespace').all(printer) as { namespace: string }[]).map((r) => r.namespace);
  }

  /** The value at `key` (the whole namespace without one); 404 when missing. */
  get(printer: string, namespace: string, key?: string): Json {
    const root = this.read(printer, namespace);
    if (root === undefined) throw new RpcError(404, `Namespace '${namespace.slice(0, 64)}' not found`);
    if (key === undefined) return root;
    const value = walk(root, splitKey(key));
    if (value === undefined) throw new RpcError(404, `Key '${key.slice(0, 200)}' in namespace '${namespace.slice(0, 64)}' not found`);
    return value;
  }

  post(printer: string, namespace: string, key: string, value: Json): void {
    const path = splitKey(key);
    const root = this.read(printer, namespace);
    if (root === undefined && this.namespaces(printer).length >= MAX_NAMESPACES) throw new RpcError(400, `At most ${MAX_NAMESPACES} namespaces`);
    const tree = isObject(root) ? root : {};
    let node = tree;
    for (const part of path.slice(0, -1)) {
      if (!isObject(node[part])) node[part] = {};
      node = node[part] as Record<string, Json>;
    }
    node[path[path.length - 1]!] = value;
    this.write(printer, namespace, tree);
  }

  /** Removes `key` and answers its old value; 404 when missing. */
  delete(printer: string, namespace: string, key: string): Json {
    const path = splitKey(key);
    const root = this.read(printer, namespace);
    const parent = walk(root, path.slice(0, -1));
    const last = path[path.length - 1]!;
    if (!isObject(parent) || !(last in parent)) throw new RpcError(404, `Key '${key.slice(0, 200)}' in namespace '${namespace.slice(0, 64)}' not found`);
    const old = parent[last];
    delete parent[last];
    if (isObject(root) && Object.keys(root).length === 0) this.host.durable(() => this.db.prepare('DELETE FROM moonraker_db WHERE printer = ? AND namespace = ?').run(printer, namespace));
    else this.write(printer, namespace, root);
    return old;
  }

  private read(printer: string, namespace: string): Json {
    const row = this.db.prepare('SELECT value FROM moonraker_db WHERE printer = ? AND namespace = ?').get(printer, namespace) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as Json) : undefined;
  }

  private write(printer: string, namespace: string, value: Json): void {
    const text = JSON.stringify(value);
    if (text.length > MAX_NAMESPACE_BYTES) throw new RpcError(413, `Namespace '${namespace.slice(0, 64)}' would exceed ${MAX_NAMESPACE_BYTES} bytes`);
    // octet_length reads each row's size from its header, not its text
    const others = (this.db.prepare('SELECT COALESCE(SUM(octet_length(value)), 0) AS bytes FROM moonraker_db WHERE printer = ? AND namespace != ?').get(printer, namespace) as { bytes: number }).bytes;
    if (others + Buffer.byteLength(text) > MAX_PRINTER_BYTES) throw new RpcError(413, `The database of this printer would exceed ${MAX_PRINTER_BYTES} bytes`);
    this.host.durable(() => this.db.prepare('INSERT INTO moonraker_db (printer, namespace, value) VALUES (?, ?, ?) ON CONFLICT (printer, namespace) DO UPDATE SET value = excluded.value').run(printer, namespace, text));
  }
}

function splitKey(key: string): string[] {
  const parts = key.split('.');
  if (key === '' || parts.some((p) => p === '') || parts.length > 32) throw new RpcError(RPC_INVALID_PARAMS, 'Invalid key: dotted names, none empty');
  if (parts.some((p) => p === '__proto__' || p === 'constructor' || p === 'prototype')) throw new RpcError(RPC_INVALID_PARAMS, 'Invalid key');
  return parts;
}

function walk(root: Json, path: string[]): Json {
  let node = root;
  for (const part of path) {
    if (!isObject(node) || !Object.hasOwn(node, part)) return undefined;
    node = node[part];
  }
  return node;
}

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
