/**
 * Helpers for the event-hook tests: an argv-recording program (a /bin/sh script that writes each
 * invocation's arguments, NUL-separated, to a file of its own), and a host with hook subscriptions.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventHooks } from '../../core/event-hooks/api.js';
import type { SubscriptionConfig } from '../../core/event-hooks/settings.js';
import { startTestHost, type TestHost } from '../support/host.js';

export interface Recorder {
  dir: string;
  /** absolute path of the recording program */
  program: string;
  /** argv (without $0) of each invocation since the last call, then forgets them */
  take(): string[][];
  remove(): void;
}

export function makeRecorder(name = 'record'): Recorder {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cuttle-hooks-'));
  const records = path.join(dir, 'records');
  mkdirSync(records);
  const program = path.join(dir, name);
  // written beside the records, then moved in: take() never reads a record half written
  writeFileSync(program, `#!/bin/sh\nf=$(mktemp "${dir}/rec.XXXXXX")\nprintf '%s\\0' "$@" > "$f"\nmv "$f" "${records}/"\n`);
  chmodSync(program, 0o755);
  return {
    dir,
    program,
    take() {
      const files = readdirSync(records);
      const argvs = files.map((file) => {
        const text = readFileSync(path.join(records, file), 'utf8');
        rmSync(path.join(records, file));
        return text.split('\0').slice(0, -1);
      });
      return argvs;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function hostWithSubscriptions(subscriptions: SubscriptionConfig[], events: Record<string, unknown> = {}): Promise<{ t: TestHost; hooks: EventHooks }> {
  const t = await startTestHost({ config: { events: { subscriptions, ...events } } });
  return { t, hooks: t.get<EventHooks>(EventHooks) };
}

/** Log lines whose message contains `text`. */
export function logsMentioning(t: TestHost, text: string): string[] {
  return t.logs.map((line) => line.msg).filter((msg) => typeof msg === 'string' && msg.includes(text));
}

/** The example of the spec's Configuration section, verbatim. */
export const SPEC_EXAMPLE = `
events:
  enabled: True
  subscriptions:
  - event: Disconnected
    command: python ~/growl.py -t mygrowlserver -d "Lost connection to printer" -a OctoPrint -i http://raspi/Octoprint_logo.png
    type: system
    enabled: false
  - event: PrintStarted
    command: python ~/growl.py -t mygrowlserver -d "Starting {file}" -a OctoPrint -i http://raspi/Octoprint_logo.png
    type: system
  - event: PrintDone
    command: python ~/growl.py -t mygrowlserver -d "Completed {file}" -a OctoPrint -i http://raspi/Octoprint_logo.png
    type: system
  - event: Connected
    command:
    - M115
    - M117 printer connected!
    - G28
    type: gcode
`;
