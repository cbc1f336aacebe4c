/**
 * `server.files.*` on cuttle's local storage, which Moonraker clients see as the `gcodes` root
 * (the only root served). Paths are `gcodes/<path>` for folders and moves, `<path>` relative to the
 * root for metadata and printing; every one goes through the storage's own path rules (paths.ts),
 * so nothing outside the storage can be named. Metadata comes from cuttle's G-code analysis.
 */
import { inject, injectable } from 'inversify';
import { FileManager, type StoredEntry, type StoredFile, type StoredFolder } from '../../files/file-manager.js';
import { joinPath, normaliseFilePath, normalisePath, parentOf } from '../../files/paths.js';
import { RPC_INVALID_PARAMS, RpcError, type RpcMethod, type RpcMethodContribution } from '../rpc.js';

export const GCODES_ROOT = 'gcodes';

/** A path relative to the gcodes root (a leading `gcodes/` is accepted), confined to the storage. */
export function gcodePath(input: string): string {
  const trimmed = input.replace(/^\/+/, '');
  return normaliseFilePath(trimmed.startsWith(`${GCODES_ROOT}/`) ? trimmed.slice(GCODES_ROOT.length + 1) : trimmed);
}

/** `gcodes/<path>` (or `gcodes`) → the storage path ('' for the root); another root is refused. */
export function rootedPath(input: string): string {
  const trimmed = input.replace(/^\/+|\/+$/g, '');
  const [root, ...rest] = trimmed.split('/');
  if (root !== GCODES_ROOT) throw new RpcError(400, `Invalid root "${(root ?? '').slice(0, 64)}": only "${GCODES_ROOT}" is served`);
  return normalisePath(rest.join('/'));
}

/** a Moonraker file item of the gcodes root */
export function fileItem(entry: StoredEntry) {
  return {
    root: GCODES_ROOT,
    path: entry.path,
    modified: entry.kind === 'file' ? entry.date : Date.now() / 1000,
    size: entry.kind === 'file' ? entry.size : (entry.size ?? 0),
    permissions: 'rw',
  };
}

function flatten(entries: StoredEntry[], out: StoredFile[] = []): StoredFile[] {
  for (const entry of entries) {
    if (entry.kind === 'file') out.push(entry);
    else if (entry.children) flatten(entry.children, out);
  }
  return out;
}

@injectable()
export class FileMethods implements RpcMethodContribution {
  constructor(@inject(FileManager) private readonly files: FileManager) {}

  methods(): Record<string, RpcMethod> {
    return {
      'server.files.roots': { permission: 'FILES_LIST', handle: () => [{ name: GCODES_ROOT, path: GCODES_ROOT, permissions: 'rw' }] },
      'server.files.list': {
        permission: 'FILES_LIST',
        handle: async (params) => {
          const root = params.string('root', GCODES_ROOT);
          if (root !== GCODES_ROOT) throw new RpcError(400, `Invalid root "${root.slice(0, 64)}"`);
          return flatten(await this.files.list('local', '', true)).map((f) => ({ path: f.path, modified: f.date, size: f.size, permissions: 'rw' }));
        },
      },
      'server.files.get_directory': {
        permission: 'FILES_LIST',
        handle: async (params) => {
          const folder = rootedPath(params.string('path', GCODES_ROOT));
          const entries = await this.files.list('local', folder, false);
          const space = await this.files.space();
          return {
            dirs: entries.filter((e): e is StoredFolder => e.kind === 'folder').map((d) => ({ dirname: d.name, modified: Date.now() / 1000, size: d.size ?? 0, permissions: 'rw' })),
            files: entries.filter((e): e is StoredFile => e.kind === 'file').map((f) => ({ filename: f.name, modified: f.date, size: f.size, permissions: 'rw' })),
            disk_usage: { total: space.total, used: space.total - space.free, free: space.free },
            root_info: { name: GCODES_ROOT, permissions: 'rw' },
          };
        },
      },
      'server.files.metadata': { permission: 'FILES_LIST', handle: (params) => this.metadata(params.string('filename')) },
      'server.files.thumbnails': {
        permission: 'FILES_LIST',
        handle: async (params) => {
          const path = gcodePath(params.string('filename'));
          const entry = await this.fileAt(path);
          const folder = parentOf(path);
          return (entry.thumbnails ?? []).map((t) => ({ width: t.width, height: t.height, size: t.size, thumbnail_path: joinPath(folder, t.path) }));
        },
      },
      'server.files.post_directory': {
        permission: 'FILES_UPLOAD',
        handle: async (params) => {
          const path = rootedPath(params.string('path'));
          if (path === '') throw new RpcError(RPC_INVALID_PARAMS, 'a folder name is required');
          return { item: fileItem(await this.files.addFolder('local', path)), action: 'create_dir' };
        },
      },
      'server.files.delete_directory': {
        permission: 'FILES_DELETE',
        handle: async (params) => {
          const path = rootedPath(params.string('path'));
          if (path === '') throw new RpcError(400, 'The root cannot be deleted');
          const entry = await this.files.get('local', path);
          if (!entry || entry.kind !== 'folder') throw new RpcError(404, `Directory not found: ${path.slice(0, 200)}`);
          if (!params.boolean('force', false) && (await this.files.list('local', path, false)).length > 0) throw new RpcError(400, 'Directory is not empty (force=true deletes it)');
          await this.files.remove('local', path);
          return { item: fileItem(entry), action: 'delete_dir' };
        },
      },
      'server.files.delete_file': {
        permission: 'FILES_DELETE',
        handle: async (params) => {
          const path = rootedPath(params.string('path'));
          const entry = await this.fileAt(path);
          await this.files.remove('local', path);
          return { item: fileItem(entry), action: 'delete_file' };
        },
      },
      'server.files.move': { permission: 'FILES_UPLOAD', handle: (params) => this.moveOrCopy('move', params.string('source'), params.string('dest')) },
      'server.files.copy': { permission: 'FILES_UPLOAD', handle: (params) => this.moveOrCopy('copy', params.string('source'), params.string('dest')) },
    };
  }

  /** the local file at `path`; 404 when there is none */
  private async fileAt(path: string): Promise<StoredFile> {
    const entry = await this.files.get('local', path);
    if (!entry || entry.kind !== 'file') throw new RpcError(404, `File not found: ${path.slice(0, 200)}`);
    return entry;
  }

  private async moveOrCopy(how: 'move' | 'copy', source: string, dest: string) {
    const from = rootedPath(source);
    const to = rootedPath(dest);
    if (from === '' || to === '') throw new RpcError(400, 'The root cannot be moved or copied');
    const entry = how === 'move' ? await this.files.move('local', from, to) : await this.files.copy('local', from, to);
    const folder = entry.kind === 'folder';
    return {
      item: fileItem(entry),
      source_item: { root: GCODES_ROOT, path: from },
      action: how === 'move' ? (folder ? 'move_dir' : 'move_file') : folder ? 'create_dir' : 'create_file',
    };
  }

  private async metadata(filename: string) {
    const path = gcodePath(filename);
    const entry = await this.files.get('local', path);
    if (!entry || entry.kind !== 'file') throw new RpcError(404, `Metadata not available for ${path.slice(0, 200)}`);
    const analysis = entry.analysis;
    const filament = analysis ? Object.values(analysis.filament).reduce((sum, t) => sum + t.length, 0) : undefined;
    return {
      filename: entry.path,
      size: entry.size,
      modified: entry.date,
      uuid: undefined,
      slicer: undefined,
      estimated_time: analysis?.estimatedPrintTime,
      filament_total: filament,
      object_height: analysis?.printingArea.maxZ,
      layer_count: analysis?.layerCount,
      print_start_time: entry.prints?.last?.date ?? null,
      job_id: null,
      // relative to the file's folder, as Moonraker's metadata gives them
      thumbnails: (entry.thumbnails ?? []).map((t) => ({ width: t.width, height: t.height, size: t.size, relative_path: t.path })),
    };
  }
}
