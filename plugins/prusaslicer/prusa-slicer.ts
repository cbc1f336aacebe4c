/**
 * The PrusaSlicer slicer: runs `prusa-slicer --export-gcode` (argv, no shell) for one job, turns its
 * `70 => Infilling layers` lines into progress, and fails with PrusaSlicer's own error lines.
 * Profiles are PrusaSlicer config .ini files, given with `--load` in order (overrides last).
 */
import { spawn } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { SlicingError, type Logger, type SlicerJob, type SlicerPlugin } from 'cuttle';

/** `70 => Infilling layers` */
const PROGRESS_LINE = /^\s*(\d{1,3}) => (.*)$/;
/** `[2026-11-25 19:47:44.244803] [0x00007f…] [error]   message` (boost log, on stdout) */
const LOG_LINE = /^\[[^\]]*\] \[[^\]]*\] \[(\w+)\]\s+(.*)$/;
const MAX_REASON = 2000;

export class PrusaSlicer implements SlicerPlugin {
  readonly id = 'prusaslicer';
  readonly displayName = 'PrusaSlicer';
  readonly progressAvailable = true;
  readonly profileExtension = 'ini';

  constructor(
    /** the configured binary, read per job so a settings change applies at once */
    private readonly binary: () => string,
    private readonly logger: Logger,
  ) {}

  async unavailableReason(): Promise<string | null> {
    const binary = this.binary();
    const found = await findExecutable(binary);
    return found ? null : `prusa-slicer not found or not executable at "${binary}" (install Debian's prusa-slicer package or set plugins.prusaslicer.binary)`;
  }

  slice(job: SlicerJob): Promise<void> {
    const args = [
      '--loglevel',
      '1',
      '--export-gcode',
      ...job.profileFiles.flatMap((file) => ['--load', file]),
      ...(job.position ? ['--center', `${job.position.x},${job.position.y}`] : []),
      '--output',
      job.output,
      job.model,
    ];
    return new Promise<void>((resolve, reject) => {
      if (job.signal.aborted) return reject(job.signal.reason);
      const child = spawn(this.binary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const errors: string[] = [];
      const onAbort = () => child.kill('SIGTERM');
      job.signal.addEventListener('abort', onAbort, { once: true });

      createInterface({ input: child.stdout }).on('line', (line) => {
        const progress = PROGRESS_LINE.exec(line);
        if (progress) return job.onProgress(Number(progress[1]));
        const log = LOG_LINE.exec(line);
        if (log && (log[1] === 'error' || log[1] === 'fatal')) errors.push(log[2]!.trim());
      });
      createInterface({ input: child.stderr }).on('line', (line) => {
        const log = LOG_LINE.exec(line);
        if (log) {
          if (log[1] === 'error' || log[1] === 'fatal') errors.push(log[2]!.trim());
        } else if (line.trim()) errors.push(line.trim());
      });

      child.once('error', (err) => {
        job.signal.removeEventListener('abort', onAbort);
        reject(new SlicingError(`could not run prusa-slicer: ${err.message}`));
      });
      child.once('close', (code, signal) => {
        job.signal.removeEventListener('abort', onAbort);
        if (job.signal.aborted) return reject(job.signal.reason);
        if (code === 0) return resolve();
        const reason = errors.length ? errors.join('; ') : `prusa-slicer exited with ${code ?? signal}`;
        this.logger.debug({ code, signal, reason }, 'prusa-slicer failed');
        reject(new SlicingError(reason.slice(0, MAX_REASON)));
      });
    });
  }
}

/** The absolute path of an executable (a bare name is looked up on PATH), or null. */
async function findExecutable(binary: string): Promise<string | null> {
  const candidates = binary.includes('/') ? [binary] : (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, binary));
  for (const candidate of candidates) {
    try {
      await fs.access(candidate, constants.X_OK);
      if ((await fs.stat(candidate)).isFile()) return candidate;
    } catch {
      // try the next one
    }
  }
  return null;
}
