/**
 * A YAML document in the basedir shared by the server and the CLI: re-read when another process
 * changed it (size/mtime check, so a key revoked from the command line takes effect at once) and
 * written atomically (temporary file, fsync, rename) so a crash never leaves half a file.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

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

  /** Applies `change` to a fresh read and saves the result atomically. */
  update<R>(change: (doc: T) => R): R {
    this.cached = undefined;
    const doc = this.read();
    const result = change(doc);
    this.write(doc);
    return result;
  }

  write(doc: T): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, YAML.stringify(doc));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
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
