/**
 * A YAML document in the basedir shared by the server and the CLI: re-read when another process
 * changed it (size/mtime check, so a key revoked from the command line takes effect at once) and
 * written atomically (temporary file, fsync, rename) so a crash never leaves half a file.
 * Every read-modify-write holds `<file>.lock`, so the host and any number of CLI processes changing
 * the file at once all keep their change.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { sweepTemporaries, writeFileAtomicSync } from '../common/atomic-write.js';
import { withFileLockSync } from '../common/file-lock.js';

export class YamlFile<T> {
  private cached: T | undefined;
  private stamp = '';

  constructor(
    readonly file: string,
    private readonly empty: () => T,
    private readonly validate: (raw: unknown, file: string) => T,
  ) {}

  /** The current content; re-read only when the file changed on disk. */
  read(): T {
    const stamp = this.statStamp();
    if (this.cached === undefined || stamp !== this.stamp) {
      this.cached = stamp ? this.validate(YAML.parse(fs.readFileSync(this.file, 'utf8')) ?? {}, this.file) : this.empty();
      this.stamp = stamp;
    }
    return this.cached;
  }

  /** Applies `change` to a fresh read and saves the result atomically, holding the file's lock throughout. */
  update<R>(change: (doc: T) => R): R {
    return withFileLockSync(this.file, () => {
      this.cached = undefined;
      const doc = this.read();
      const result = change(doc);
      this.write(doc);
      return result;
    });
  }

  /** Removes temporary files that writers killed mid-write left behind. */
  sweep(): Promise<string[]> {
    return sweepTemporaries(path.dirname(this.file), path.basename(this.file));
  }

  private write(doc: T): void {
    writeFileAtomicSync(this.file, YAML.stringify(doc));
    this.cached = doc;
    this.stamp = this.statStamp();
  }

  private statStamp(): string {
    try {
      const st = fs.statSync(this.file);
      return `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      return '';
    }
  }
}
