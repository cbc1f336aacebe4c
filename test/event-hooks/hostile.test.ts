/**
 * Hostile filenames and payload values through `system` hooks, with and without `shell: true`:
 * nothing is ever injected (a marker file some values would create never appears, and the recording
 * program runs exactly once per run), and each value arrives intact as exactly one argument.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { EventHooks } from '../../core/event-hooks/api.js';
import type { TestHost } from '../support/host.js';
import { hostWithSubscriptions, makeRecorder, type Recorder } from './support.js';

function hostileValues(marker: string): string[] {
  const binary = Array.from({ length: 255 }, (_, i) => String.fromCharCode(i + 1)).join('');
  return [
    `x"; touch ${marker}; ".gcode`,
    `$(touch ${marker}).gcode`,
    `\`touch ${marker}\`.gcode`,
    `a; touch ${marker}`,
    `a && touch ${marker}`,
    `a || touch ${marker}`,
    `a | touch ${marker}`,
    `a & touch ${marker} &`,
    `a\ntouch ${marker}`,
    `a\r\ntouch ${marker}\r\n`,
    `'; touch ${marker}; '`,
    `'"'"'; touch ${marker}; '"'"'`,
    `\\"; touch ${marker}; \\"`,
    `> ${marker}`,
    `< /etc/passwd`,
    `$HOME \${HOME} $PATH`,
    `\${IFS}touch\${IFS}${marker}`,
    `$((1+1)) $(( $(touch ${marker}) ))`,
    '*',
    '~',
    '-rf',
    '--help',
    '',
    '   leading and trailing spaces   ',
    'tab\there\vvertical\fform',
    '{name} {__filename} {{x}}',
    '!! !$ !-1',
    '%s%n%x',
    "'",
    '"',
    '\\',
    'trailing backslash \\',
    binary,
    'ünïcødé 🐙 печать 打印.gcode',
    `${'A'.repeat(50000)}"; touch ${marker}; "`,
  ];
}

describe('event hooks: hostile values through system commands', function () {
  this.timeout(60000);
  let recorder: Recorder;
  let t: TestHost;
  let hooks: EventHooks;
  let marker: string;

  before(async () => {
    recorder = makeRecorder();
    marker = path.join(recorder.dir, 'PWNED');
    const p = recorder.program;
    ({ t, hooks } = await hostWithSubscriptions([
      { event: 'PrintStarted', type: 'system', command: `${p} plain {name} "quoted {path} mid" 'single {file}' pre{filename}post` },
      { event: 'PrintStarted', type: 'system', shell: true, command: `${p} shell {name} "quoted {path} mid" 'single {file}' pre{filename}post 2>&1 | cat >/dev/null` },
    ]));
  });
  after(async () => {
    await t?.stop();
    recorder.remove();
  });

  it('has at least 25 hostile values', () => {
    expect(hostileValues('m')).to.have.length.greaterThanOrEqual(25);
  });

  it('passes each value as exactly one argument and injects nothing, with and without shell: true', async () => {
    for (const value of hostileValues(marker)) {
      t.host.bus.fire('PrintStarted', { name: value, path: value, origin: 'local', file: value, filename: value });
      await t.host.bus.idle(5000);
      expect(await hooks.idle(10000)).to.equal(true);
      const runs = recorder.take();
      const label = JSON.stringify(value.slice(0, 60));
      expect(runs, `runs for ${label}`).to.have.length(2);
      const expected = (mode: string) => [mode, value, `quoted ${value} mid`, `single ${value}`, `pre${value}post`];
      const byMode = new Map(runs.map((argv) => [argv[0], argv]));
      expect(byMode.get('plain'), `plain ${label}`).to.deep.equal(expected('plain'));
      expect(byMode.get('shell'), `shell ${label}`).to.deep.equal(expected('shell'));
      expect(existsSync(marker), `marker after ${label}`).to.equal(false);
    }
  });

  it('reports a value with a NUL character as a failed command instead of running it', async () => {
    const result = await hooks.testFire('PrintStarted', { name: 'a\0b', path: 'p', origin: 'local', file: 'f', filename: 'n' });
    expect(result.subscriptions.map((s) => s.status)).to.deep.equal(['failed', 'failed']);
    expect(result.subscriptions[0]!.commands[0]!.detail).to.match(/NUL/);
    expect(recorder.take()).to.deep.equal([]);
  });
});
