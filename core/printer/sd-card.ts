/**
 * The host side of Marlin's SD-card commands: M20 list, M21 init, M23 select, M27 status,
 * M28/M29 upload streaming, M30 delete. Answers are read from the lines between a command and its
 * "ok"; refusals ("open failed", "Deletion failed") become rejected promises with the firmware's words.
 */
import { Emitter } from '../common/event.js';
import type { PrinterSdCard, SdFileInfo, SdPrintStatus } from './printer-service.js';
import { normalizeCommand } from './protocol/gcode.js';
import type { SdCopies } from './sd-copies.js';

/** What the SD client needs from the printer service. */
export interface SdCardLink {
  /** sends a command (through the gcode hooks) and resolves with the lines answering it */
  request(command: string): Promise<string[]>;
  /** queues a line of file data (no hooks, no events); resolves when the queue has room again */
  sendData(line: string): Promise<void>;
  /** whether the printer is connected */
  connected(): boolean;
  /** why the printer cannot `action` now (not operational, a job or another transfer runs), or null */
  busy(action: string): string | null;
  /** marks a transfer as running (no polling, no prints, no other commands); call the result to end it */
  beginTransfer(): () => void;
}

/** Marlin writes names as given; a name with spaces or path separators could not be sent back. */
function checkName(name: string): string {
  const clean = name.trim();
  if (!/^[\w.\-~]+$/.test(clean)) throw new Error(`"${name}" is not a valid SD card file name (letters, digits, . _ - ~ only)`);
  return clean;
}

function refusal(lines: string[]): string | undefined {
  return lines.find((line) => /open failed|deletion failed|error/i.test(line));
}

export class SdCardClient implements PrinterSdCard {
  private readonly changed = new Emitter<void>();
  readonly onChanged = this.changed.event;

  constructor(
    private readonly link: SdCardLink,
    /** where copies of uploaded files are kept for the SD print's events; none when null */
    private readonly copies: SdCopies | null = null,
  ) {}

  get ready(): boolean {
    return this.link.connected();
  }

  get uploadRefusal(): string | null {
    return this.link.busy('upload to SD');
  }

  async init(): Promise<void> {
    const lines = await this.link.request('M21');
    const problem = lines.find((line) => /init fail|no sd card|volume\.init failed/i.test(line));
    if (problem) throw new Error(`SD card: ${problem}`);
  }

  async list(): Promise<SdFileInfo[]> {
    const lines = await this.link.request('M20');
    const begin = lines.findIndex((line) => line.startsWith('Begin file list'));
    const end = lines.findIndex((line) => line.startsWith('End file list'));
    if (begin === -1 || end === -1) throw new Error('SD card: the printer sent no file list');
    return lines.slice(begin + 1, end).map((line) => {
      const match = /^(.*?)\s+(\d+)(?:\s+.*)?$/.exec(line.trim());
      return match ? { name: match[1]!.toLowerCase(), size: Number(match[2]) } : { name: line.trim().toLowerCase(), size: null };
    });
  }

  /** M23: opens a file for printing; resolves with its size from "File opened: NAME Size: N". */
  async select(name: string): Promise<{ size: number | null }> {
    const lines = await this.link.request(`M23 ${checkName(name)}`);
    const problem = refusal(lines);
    if (problem) throw new Error(`SD card: ${problem}`);
    const opened = lines.map((line) => /File opened:.*Size:\s*(\d+)/.exec(line)).find(Boolean);
    return { size: opened ? Number(opened[1]) : null };
  }

  async upload(name: string, lines: AsyncIterable<string> | Iterable<string>, onProgress?: (linesSent: number) => void): Promise<void> {
    const remote = checkName(name);
    const busy = this.uploadRefusal;
    if (busy) throw new Error(busy);
    // iterated from now, before the first await: a readline interface emits its lines and its end
    // whether anyone listens or not, and an iterator taken after M28's answer (a file read meanwhile)
    // would wait for ever for lines already gone
    const source = Symbol.asyncIterator in lines ? lines[Symbol.asyncIterator]() : lines[Symbol.iterator]();
    // the transfer holds the printer from here (in the turn the refusal above was checked): a second upload is refused, not interleaved
    const endTransfer = this.link.beginTransfer();
    try {
      const problem = refusal(await this.link.request(`M28 ${remote}`));
      if (problem) throw new Error(`SD card: ${problem}`);
    } catch (err) {
      endTransfer();
      await source.return?.();
      throw err;
    }
    let sent = 0;
    const copy = this.copies?.begin(remote);
    let complete = false;
    try {
      for await (const raw of { [Symbol.asyncIterator]: () => source } as AsyncIterable<string>) {
        const command = normalizeCommand(raw);
        if (!command) continue;
        await this.link.sendData(command);
        copy?.append(command);
        onProgress?.(++sent);
      }
      complete = true;
    } finally {
      endTransfer();
      if (complete) await copy?.finish();
      else copy?.abort();
      await this.link.request('M29');
      this.changed.fire();
    }
  }

  async remove(name: string): Promise<void> {
    const lines = await this.link.request(`M30 ${checkName(name)}`);
    const problem = refusal(lines);
    if (problem) throw new Error(`SD card: ${problem}`);
    this.copies?.remove(name);
    this.changed.fire();
  }

  /** The local copy of a card file written through the host, or null. */
  localCopy(name: string): string | null {
    return this.copies?.find(name) ?? null;
  }

  async status(): Promise<SdPrintStatus> {
    return parseSdStatus(await this.link.request('M27')) ?? { printing: false, filepos: null, size: null };
  }
}

/** "SD printing byte 123/4567" or "Not SD printing" among `lines`. */
export function parseSdStatus(lines: readonly string[]): SdPrintStatus | null {
  for (const line of lines) {
    const match = /SD printing byte (\d+)\/(\d+)/.exec(line);
    if (match) return { printing: true, filepos: Number(match[1]), size: Number(match[2]) };
    if (line.includes('Not SD printing')) return { printing: false, filepos: null, size: null };
  }
  return null;
}
