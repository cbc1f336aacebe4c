/**
 * The host's one timelapse rendering queue, shared by every printer's timelapse service: movies are
 * rendered one at a time whichever printer recorded them (ffmpeg takes whole cores, and the
 * printers' streams need theirs), and a set is never queued twice, even when two printers' REST
 * surfaces ask for the same unrendered set. It also knows which sets are being recorded, by any
 * printer: the sets share one folder, and no printer may render or delete another's recording.
 */
import { injectable } from 'inversify';

@injectable()
export class TimelapseRenderQueue {
  private tail: Promise<void> = Promise.resolve();
  private readonly queued = new Set<string>();
  private readonly recordings = new Set<string>();

  recordingStarted(set: string): void {
    this.recordings.add(set);
  }

  recordingEnded(set: string): void {
    this.recordings.delete(set);
  }

  /** true while some printer records into the set */
  isRecording(set: string): boolean {
    return this.recordings.has(set);
  }

  /** true while the set waits or renders */
  has(set: string): boolean {
    return this.queued.has(set);
  }

  /** Runs `render` after every job queued before it; resolves when it has run (it never rejects). */
  run(set: string, render: () => Promise<void>): Promise<void> {
    this.queued.add(set);
    const job = this.tail.then(render).catch(() => undefined).finally(() => this.queued.delete(set));
    this.tail = job;
    return job;
  }
}
