/**
 * The simulated printer's SD card: a flat folder on disk. Names are lower-cased (as a FAT card with
 * Marlin's long-name support shows them) and confined to the folder.
 */
import fs from 'node:fs';
import path from 'node:path';

export class SimulatedSdCard {
  constructor(readonly folder: string) {
    fs.mkdirSync(folder, { recursive: true });
  }

  /** Absolute path for a card name, or null for names that would leave the folder. */
  resolve(name: string): string | null {
    const clean = name.trim().replace(/^\/+/, '').toLowerCase();
    if (!clean || clean.includes('/') || clean.includes('\\') || clean === '..' || clean === '.') return null;
    return path.join(this.folder, clean);
  }

  list(): { name: string; size: number }[] {
    return fs
      .readdirSync(this.folder, { withFileTypes: true })
      .filter((entry) => entry.isFile() && /\.(gcode|gco|g)$/i.test(entry.name))
      .map((entry) => ({ name: entry.name, size: fs.statSync(path.join(this.folder, entry.name)).size }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  read(name: string): Buffer | null {
    const file = this.resolve(name);
    return file && fs.existsSync(file) ? fs.readFileSync(file) : null;
  }

  write(name: string, content: string): boolean {
    const file = this.resolve(name);
    if (!file) return false;
    fs.writeFileSync(file, content);
    return true;
  }

  remove(name: string): boolean {
    const file = this.resolve(name);
    if (!file || !fs.existsSync(file)) return false;
    fs.unlinkSync(file);
    return true;
  }
}
