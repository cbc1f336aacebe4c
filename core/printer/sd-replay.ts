/**
 * G-code events for SD prints: the printer runs the file itself, so the host never sends its
 * commands. When the host has a local copy of the file (`JobFile.diskPath` of an `sdcard` job),
 * each M27 progress report (`SD printing byte N/M`) tells how far the printer got; the commands
 * between the last position and N are read from the copy and given their effects by a tracker of
 * their own, as if they had been sent. Reads are chained so commands come out in file order.
 * Positions are scaled by size (a card file may have "\r\n" where the copy has "\n").
 */
import fs from 'node:fs/promises';
import type { SentCommand } from './printer-service.js';
import { commandCode, normalizeCommand } from './protocol/gcode.js';
import { MachineTracker } from './tracker.js';

export class SdReplay {
  private position = 0;
  private partial = '';
  private chain: Promise<void> = Promise.resolve();
  private readonly tracker = new MachineTracker();

  constructor(
    private readonly diskPath: string,
    /** the size of the file on the card (M23), to scale its positions to the copy's */
    private readonly cardSize: number | null,
    private readonly onCommand: (command: SentCommand) => void,
    private readonly onError: (err: Error) => void,
  ) {}

  /** Replays the commands up to byte `upTo` (the whole file when null); resolves once they are out. */
  advance(upTo: number | null): Promise<void> {
    this.chain = this.chain.then(() => this.read(upTo)).catch((err: unknown) => this.onError(err instanceof Error ? err : new Error(String(err))));
    return this.chain;
  }

  private async read(upTo: number | null): Promise<void> {
    const handle = await fs.open(this.diskPath, 'r');
    try {
      const size = (await handle.stat()).size;
      const end = upTo === null ? size : this.cardSize ? Math.min(size, Math.round((upTo * size) / this.cardSize)) : upTo;
      if (end <= this.position) return;
      const buffer = Buffer.alloc(end - this.position);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.position);
      this.position += bytesRead;
      const text = this.partial + buffer.toString('utf8', 0, bytesRead);
      const lines = text.split('\n');
      // a line only counts once its end was passed (or the file is over)
      this.partial = upTo === null ? '' : lines.pop()!;
      for (const line of lines) {
        const command = normalizeCommand(line);
        if (!command) continue;
        const code = commandCode(command);
        this.onCommand({ command, code, fromJob: true, ...this.tracker.apply(code, command) });
      }
    } finally {
      await handle.close();
    }
  }
}
