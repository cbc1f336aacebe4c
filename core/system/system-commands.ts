/**
 * OctoPrint's system commands: the core ones (restart cuttle, reboot, shut down; from
 * `system.commands`) and the custom `system.actions`. A command is split into words as the `system`
 * event hooks split theirs (shell-words.ts: quotes honoured, no shell) and run by the same runner
 * (run-process.ts) with `system.commandTimeoutSeconds`, after which its process group is killed.
 */
import type { Logger } from '../logging/logger.js';
import type { SettingsService } from '../settings/settings-service.js';
import { runProcess, type ProcessResult } from './run-process.js';
import { displayArg, splitWords } from './shell-words.js';
import { systemSettings } from './settings.js';

export interface SystemCommand {
  action: string;
  name: string;
  source: 'core' | 'custom';
  confirm: string | null;
  command: string;
}

/** Why a command did not run or did not succeed, said to the client. */
export class SystemCommandError extends Error {}

export function systemCommands(settings: SettingsService): SystemCommand[] {
  const { commands: core, actions } = settings.of(systemSettings).get();
  const builtIn: SystemCommand[] = [
    { action: 'restart', name: 'Restart cuttle', source: 'core' as const, confirm: 'You are about to restart the cuttle server.', command: core.serverRestart },
    { action: 'reboot', name: 'Reboot system', source: 'core' as const, confirm: 'You are about to reboot the system.', command: core.systemRestart },
    { action: 'shutdown', name: 'Shutdown system', source: 'core' as const, confirm: 'You are about to shut down the system.', command: core.systemShutdown },
  ].filter((c) => c.command);
  const custom = actions.map((a) => ({ action: a.action, name: a.name || a.action, source: 'custom' as const, confirm: a.confirm ?? null, command: a.command }));
  return [...builtIn, ...custom];
}

/** The command's argv; a SystemCommandError when it cannot be run without a shell. */
export function argvOf(command: SystemCommand): string[] {
  let split;
  try {
    split = splitWords(command.command);
  } catch (err) {
    throw new SystemCommandError(`${command.source}:${command.action}: ${(err as Error).message}`);
  }
  if (split.words.length === 0) throw new SystemCommandError(`${command.source}:${command.action}: no program to run`);
  if (split.shellSyntax.length) {
    throw new SystemCommandError(`${command.source}:${command.action} uses shell syntax (${split.shellSyntax.join(' ')}), which is not interpreted: commands run without a shell`);
  }
  return split.words;
}

/** Runs the command to its end (or its timeout); throws SystemCommandError unless it exited 0. */
export async function runSystemCommand(command: SystemCommand, settings: SettingsService, logger: Logger): Promise<ProcessResult> {
  const argv = argvOf(command);
  const timeoutSeconds = settings.of(systemSettings).get().commandTimeoutSeconds;
  logger.warn({ action: command.action, source: command.source, command: argv.map(displayArg).join(' ') }, 'running a system command');
  // not aborted when the host stops: a restart command stops the host and must go on
  const result = await runProcess(argv, { timeout: timeoutSeconds * 1000, signal: new AbortController().signal });
  const name = `${command.source}:${command.action}`;
  if (result.error) throw new SystemCommandError(`${name} could not start ${argv[0]}: ${result.error}`);
  if (result.timedOut) throw new SystemCommandError(`${name} did not finish within ${timeoutSeconds} s and was killed`);
  if (result.exitCode !== 0) {
    const said = result.stderr.trim().split('\n').slice(-3).join(' ').slice(0, 300);
    throw new SystemCommandError(`${name} failed with ${result.exitCode === null ? `signal ${result.signal}` : `exit code ${result.exitCode}`}${said ? `: ${said}` : ''}`);
  }
  return result;
}
