/**
 * Slicing profiles on disk: `<slicingProfiles>/<slicer>/<key>.<ext>` holds the slicer's own file (an
 * imported PrusaSlicer .ini is kept byte for byte so the slicer loads it as is) and `<key>.meta.json`
 * its display name and description; `default` names the slicer's default profile.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseIni, serializeIni } from './ini.js';
import { SlicingRequestError, type SlicingProfile, type SlicingProfileInfo, type SlicingProfileInput } from './slicing-service.js';
import { makeDirectory } from '../common/make-directory.js';

const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

interface ProfileMeta {
  displayName: string;
  description: string;
}

export class ProfileStore {
  constructor(
    /** the `slicingProfiles` folder */
    private readonly root: string,
  ) {}

  async list(slicer: string, ext: string): Promise<SlicingProfileInfo[]> {
    const dir = this.dir(slicer);
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    const suffix = `.${ext}`;
    const keys = names.filter((n) => n.endsWith(suffix)).map((n) => n.slice(0, -suffix.length)).filter((k) => KEY_PATTERN.test(k));
    const defaultKey = await this.defaultKey(slicer);
    return Promise.all(keys.sort().map(async (key) => ({ key, ...(await this.meta(slicer, key)), default: key === defaultKey })));
  }

  /** Absolute path of the profile's file, or null when there is no such profile. */
  async file(slicer: string, key: string, ext: string): Promise<string | null> {
    const file = this.profilePath(slicer, key, ext);
    return (await exists(file)) ? file : null;
  }

  async get(slicer: string, key: string, ext: string): Promise<SlicingProfile> {
    const file = await this.file(slicer, key, ext);
    if (!file) throw new SlicingRequestError(404, `no profile "${key}" for slicer "${slicer}"`);
    const text = await fs.readFile(file, 'utf8');
    return { key, ...(await this.meta(slicer, key)), default: (await this.defaultKey(slicer)) === key, data: parseIni(text) };
  }

  /** Writes the profile; `merge` keeps the fields and settings that the input leaves out. Returns whether it is new. */
  async put(slicer: string, key: string, ext: string, input: SlicingProfileInput, merge: boolean): Promise<boolean> {
    const file = this.profilePath(slicer, key, ext);
    const existed = await exists(file);
    if (merge && !existed) throw new SlicingRequestError(404, `no profile "${key}" for slicer "${slicer}"`);
    await makeDirectory(this.dir(slicer));
    const text = await this.profileText(file, input, merge && existed);
    if (text !== null) await writeAtomically(file, text);
    else if (!existed) await writeAtomically(file, serializeIni({}));
    const before = existed ? await this.meta(slicer, key) : { displayName: key, description: '' };
    const meta: ProfileMeta = {
      displayName: input.displayName ?? (merge || existed ? before.displayName : key),
      description: input.description ?? (merge || existed ? before.description : ''),
    };
    await writeAtomically(this.metaPath(slicer, key), JSON.stringify(meta, null, 2));
    if (input.default === true) await writeAtomically(this.defaultPath(slicer), key);
    else if (input.default === false && (await this.defaultKey(slicer)) === key) await fs.rm(this.defaultPath(slicer), { force: true });
    return !existed;
  }

  async remove(slicer: string, key: string, ext: string): Promise<void> {
    const file = this.profilePath(slicer, key, ext);
    if (!(await exists(file))) throw new SlicingRequestError(404, `no profile "${key}" for slicer "${slicer}"`);
    await fs.rm(file, { force: true });
    await fs.rm(this.metaPath(slicer, key), { force: true });
    if ((await this.defaultKey(slicer)) === key) await fs.rm(this.defaultPath(slicer), { force: true });
  }

  async defaultKey(slicer: string): Promise<string | null> {
    const key = (await fs.readFile(this.defaultPath(slicer), 'utf8').catch(() => '')).trim();
    return KEY_PATTERN.test(key) ? key : null;
  }

  private async profileText(file: string, input: SlicingProfileInput, merge: boolean): Promise<string | null> {
    if (input.text !== undefined) return input.text;
    if (input.data === undefined) return null;
    const base = merge ? parseIni(await fs.readFile(file, 'utf8')) : {};
    try {
      return serializeIni({ ...base, ...input.data });
    } catch (err) {
      throw new SlicingRequestError(400, (err as Error).message);
    }
  }

  private async meta(slicer: string, key: string): Promise<ProfileMeta> {
    try {
      const parsed = JSON.parse(await fs.readFile(this.metaPath(slicer, key), 'utf8')) as Partial<ProfileMeta>;
      return { displayName: String(parsed.displayName ?? key), description: String(parsed.description ?? '') };
    } catch {
      return { displayName: key, description: '' };
    }
  }

  private dir(slicer: string): string {
    if (!KEY_PATTERN.test(slicer)) throw new SlicingRequestError(404, `unknown slicer "${slicer}"`);
    return path.join(this.root, slicer);
  }

  private profilePath(slicer: string, key: string, ext: string): string {
    return path.join(this.dir(slicer), `${checkKey(key)}.${ext}`);
  }

  private metaPath(slicer: string, key: string): string {
    return path.join(this.dir(slicer), `${checkKey(key)}.meta.json`);
  }

  private defaultPath(slicer: string): string {
    return path.join(this.dir(slicer), 'default');
  }
}

function checkKey(key: string): string {
  if (!KEY_PATTERN.test(key) || key.includes('..')) {
    throw new SlicingRequestError(400, `invalid profile key "${key}": letters, digits, ".", "_" and "-" only`);
  }
  return key;
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, text);
  await fs.rename(tmp, file);
}
