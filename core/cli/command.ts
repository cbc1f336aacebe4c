/**
 * A CLI sub-command. Each file in core/cli/commands/ default-exports one; `cuttle <name>` finds it
 * by scanning that folder, so adding a command never touches the dispatcher.
 */
import os from 'node:os';
import path from 'node:path';

export interface CliCommand {
  name: string;
  summary: string;
  /** returns the process exit code */
  run(argv: string[]): Promise<number>;
}

export interface ParsedArgs {
  positional: string[];
  options: Record<string, string | true>;
  /** every `--set KEY=VALUE`, in order (the one option that may repeat) */
  sets: string[];
}

/** `--key value`, `--key=value` and bare `--flag`; `flags` names the options that take no value. */
export function parseArgs(argv: readonly string[], flags: readonly string[] = []): ParsedArgs {
  const positional: string[] = [];
  const options: Record<string, string | true> = {};
  const sets: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--set' && i + 1 < argv.length) {
      sets.push(argv[++i]!);
      continue;
    }
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [key, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (inline !== undefined) options[key] = inline;
    else if (flags.includes(key) || i + 1 >= argv.length || argv[i + 1]!.startsWith('--')) options[key] = true;
    else options[key] = argv[++i]!;
  }
  return { positional, options, sets };
}

export function stringOption(args: ParsedArgs, key: string): string | undefined {
  const value = args.options[key];
  if (value === true) throw new Error(`--${key} needs a value`);
  return value;
}

/** ~/.cuttle unless --basedir says otherwise (as octoprint's ~/.octoprint). */
export function basedirOption(args: ParsedArgs): string {
  return path.resolve(stringOption(args, 'basedir') ?? path.join(os.homedir(), '.cuttle'));
}
