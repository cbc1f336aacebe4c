/**
 * The `system` event-hook type: runs a program on this machine when an event fires, safely by
 * default. The command template is split into words (shell-like quoting) before placeholders are
 * filled in, and the program is started without a shell, so each substituted value is exactly one
 * argument and never code. `shell: true` on a subscription runs the template with /bin/sh for pipes
 * and redirection, the values passed as positional parameters (see shell-script.ts). Every command
 * has a timeout (subscription `timeout`, else `events.commandTimeout`), then its process group is killed.
 */
import { HookType, Plugin, type CommandOutcome, type HookRun, type Subscription } from 'cuttle';
import { displayArg, splitWords } from '../../core/system/shell-words.js';
import { runProcess } from '../../core/system/run-process.js';
import { buildShellScript } from './shell-script.js';

const SHELL = '/bin/sh';

@HookType()
@Plugin({
  id: 'system-hook',
  name: 'System command event hooks',
  version: '1.0.0',
  description: 'The system type of events.subscriptions: runs a program when an event fires, without a shell unless asked.',
})
export class SystemHookPlugin implements HookType {
  readonly name = 'system';

  validate(subscription: Subscription): string[] {
    const shell = subscription.options.shell;
    if (shell !== undefined && typeof shell !== 'boolean') return ['shell must be true or false'];
    return subscription.commands.flatMap((command, n) => {
      const where = subscription.commands.length > 1 ? `command ${n + 1}: ` : '';
      try {
        const { words, shellSyntax } = splitWords(command);
        if (words.length === 0) return [`${where}no program to run`];
        if (!shell && shellSyntax.length > 0) {
          return [`${where}uses shell syntax (${shellSyntax.join(' ')}), which is not interpreted without a shell; add shell: true to run it with /bin/sh`];
        }
        return [];
      } catch (err) {
        return [`${where}${(err as Error).message}`];
      }
    });
  }

  async runCommand(template: string, run: HookRun): Promise<CommandOutcome> {
    const { placeholders } = run;
    let argv: string[];
    let shown: string;
    if (run.subscription.options.shell === true) {
      const { script, args } = buildShellScript(template, (name) => placeholders.value(name) ?? '');
      argv = [SHELL, '-c', script, 'cuttle-hook', ...args];
      shown = placeholders.substitute(template, displayArg);
    } else {
      argv = splitWords(template).words.map((word) => placeholders.substitute(word));
      shown = argv.map(displayArg).join(' ');
    }
    if (argv.some((arg) => arg.includes('\0'))) return { command: shown, status: 'failed', detail: 'a value contains a NUL character' };
    run.announce(shown);
    const result = await runProcess(argv, { timeout: run.subscription.timeout, signal: run.signal });
    const base = { command: shown, exitCode: result.exitCode, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
    if (result.error) return { ...base, status: 'failed', detail: `could not start ${argv[0]}: ${result.error}` };
    if (result.timedOut) return { ...base, status: 'timeout', detail: `killed after ${run.subscription.timeout} ms` };
    if (result.exitCode === 0) return { ...base, status: 'ok' };
    return { ...base, status: 'failed', detail: result.signal ? `killed by ${result.signal}` : `exit code ${result.exitCode}` };
  }
}
