/**
 * The simulated printer's SD card and its commands: a flat folder on disk (names lower-cased, as a
 * FAT card with long-name support shows them, and confined to the folder), M20 list, M21 init,
 * M23 select, M24 start/resume, M25 pause, M26 position, M27 status, M28…M29 write, M30 delete.
 * A selected file prints inside the firmware, interleaved with serial commands as Marlin does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { makeDirectorySync } from '../../common/make-directory.js';

/** What the card needs from the firmware around it. */
export interface SdFirmware {
  send(line: string): void;
  /** executes a command read from the card (recorded with source 'sd') */
  run(command: string): unknown;
  /** false once the firmware halted or stopped */
  alive(): boolean;
}

interface SdPrint {
  name: string;
  text: string;
  pos: number;
  running: boolean;
}

export class SimulatedSdCard {
  private writing: { name: string; lines: string[] } | null = null;
  private print: SdPrint | null = null;

  constructor(
    readonly folder: string,
    private readonly firmware: SdFirmware,
  ) {
    makeDirectorySync(folder);
  }

  /** While M28 is open every line but M29 goes into the file; true when `command` was stored. */
  store(code: string | null, command: string): boolean {
    if (!this.writing || code === 'M29') return false;
    this.writing.lines.push(command);
    return true;
  }

  /** Runs an SD command; false for any other code. */
  handle(code: string | null, command: string, p: Record<string, number>): boolean {
    const send = (line: string) => this.firmware.send(line);
    const name = fileArgument(command);
    switch (code) {
      case 'M20':
        send('Begin file list');
        for (const file of this.list()) send(`${file.name} ${file.size}`);
        send('End file list');
        return true;
      case 'M21':
        send('echo:SD card ok');
        return true;
      case 'M23':
        this.select(name);
        return true;
      case 'M24':
        this.start();
        return true;
      case 'M25':
        if (this.print) this.print.running = false;
        return true;
      case 'M26':
        if (this.print && Number.isFinite(p.S)) this.print.pos = p.S!;
        return true;
      case 'M27':
        send(this.print?.running ? `SD printing byte ${this.print.pos}/${this.print.text.length}` : 'Not SD printing');
        return true;
      case 'M28':
        if (!this.resolve(name)) send(`echo:open failed, File: ${name}.`);
        else {
          this.writing = { name, lines: [] };
          send(`echo:Now fresh file: ${name}`);
          send(`Writing to file: ${name}`);
        }
        return true;
      case 'M29':
        if (this.writing) this.write(this.writing.name, this.writing.lines.map((line) => `${line}\n`).join(''));
        this.writing = null;
        send('Done saving file.');
        return true;
      case 'M30':
        send(this.remove(name) ? `File deleted:${name}` : `Deletion failed, File: ${name}.`);
        return true;
      default:
        return false;
    }
  }

  stop(): void {
    if (this.print) this.print.running = false;
  }

  private select(name: string): void {
    const data = this.read(name);
    if (!data) {
      this.firmware.send(`echo:open failed, File: ${name}.`);
      return;
    }
    this.stop();
    this.print = { name, text: data.toString('latin1'), pos: 0, running: false };
    this.firmware.send(`echo:Now fresh file: ${name}`);
    this.firmware.send(`File opened: ${name} Size: ${data.length}`);
    this.firmware.send('File selected');
  }

  private start(): void {
    const print = this.print;
    if (!print || print.running) return;
    print.running = true;
    void this.run(print);
  }

  /** Executes the selected file from `pos` until its end, M25, or a halt. */
  private async run(print: SdPrint): Promise<void> {
    const { text } = print;
    let sinceYield = 0;
    while (print.running && print.pos < text.length && this.firmware.alive()) {
      const end = text.indexOf('\n', print.pos);
      const next = end === -1 ? text.length : end + 1;
      const command = text.slice(print.pos, next).split(';')[0]!.trim();
      print.pos = next;
      if (!command) continue;
      const done = this.firmware.run(command);
      if (done instanceof Promise) await done;
      else if (++sinceYield % 32 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    if (print.running && print.pos >= text.length && this.firmware.alive()) {
      print.running = false;
      this.firmware.send('Done printing file');
    }
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

  private read(name: string): Buffer | null {
    const file = this.resolve(name);
    return file && fs.existsSync(file) ? fs.readFileSync(file) : null;
  }

  private write(name: string, content: string): boolean {
    const file = this.resolve(name);
    if (!file) return false;
    fs.writeFileSync(file, content);
    return true;
  }

  private remove(name: string): boolean {
    const file = this.resolve(name);
    if (!file || !fs.existsSync(file)) return false;
    fs.unlinkSync(file);
    return true;
  }
}

/** The file name argument of M23/M28/M30: everything after the code, without a trailing checksum. */
function fileArgument(command: string): string {
  return command.replace(/^M\d+\s*/i, '').replace(/\*\d+$/, '').trim();
}
