/**
 * A CLI sub-command. Each file in core/cli/commands/ default-exports one; `cuttle <name>` finds it
 * by scanning that folder, so adding a command never touches the dispatcher. A command declares its
 * options; the dispatcher parses them strictly (node:util parseArgs), so an unknown or misspelt flag
 * is an error naming it, and answers `--help` / `-h` with the usage before the command runs at all.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs as parseNodeArgs, type ParseArgsConfig } from 'node:util';
import YAML from 'yaml';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

export interface CliCommand {
  name: string;
  summary: string;
  /** the full usage text: `cuttle NAME --help` prints it, a usage error repeats it */
  usage: string;
  options: OptionSpecs;
  /** whether the command takes positional arguments (sub-commands, names, files) */
  positionals?: boolean;
  /** returns the process exit code */
  run(args: CommandArgs): Promise<number>;
}

export interface CommandArgs {
  positional: string[];
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
}

/** The options every command that reads a basedir shares. */
export const BASEDIR_OPTIONS = {
  basedir: { type: 'string' },
  config: { type: 'string' },
} as const satisfies OptionSpecs;

export const BASEDIR_USAGE = `  --basedir DIR     config, uploads, users, logs (default ~/.cuttle)
  --config FILE     config.yaml to use (default <basedir>/config.yaml)`;

/** The options of every command that builds a host from the configuration: the basedir ones and --set. */
export const SETTINGS_OPTIONS = {
  ...BASEDIR_OPTIONS,
  set: { type: 'string', multiple: true },
} as const satisfies OptionSpecs;

export const SETTINGS_USAGE = `${BASEDIR_USAGE}
  --set KEY=VALUE   any setting, e.g. --set serial.baudrate=250000 (repeatable; VALUE is read as YAML)`;

/** Basedir, config file and the `--set` overrides (validated later, with the file, by the settings). */
export function settingsOptions(args: CommandArgs, overrides: Record<string, unknown> = {}): { basedir: string; configFile?: string; overrides: Record<string, unknown> } {
  for (const assignment of listOption(args, 'set')) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects KEY=VALUE, got "${assignment}"`);
    overrides[assignment.slice(0, eq)] = YAML.parse(assignment.slice(eq + 1));
  }
  return { basedir: basedirOption(args), configFile: stringOption(args, 'config'), overrides };
}

/** A usage mistake: the dispatcher prints the message and the usage, and exits 2. */
export class UsageError extends Error {}

export type Parsed = { help: true } | { help: false; args: CommandArgs };

/** Parses `argv` for `command`; a usage mistake throws UsageError, unless --help was asked for anyway. */
export function parseCommandArgs(command: CliCommand, argv: readonly string[]): Parsed {
  const options: OptionSpecs = { ...command.options, help: { type: 'boolean', short: 'h' } };
  try {
    const { values, positionals } = parseNodeArgs({ args: [...argv], options, strict: true, allowPositionals: command.positionals ?? false });
    if (values.help) return { help: true };
    return { help: false, args: { positional: positionals, values } };
  } catch (err) {
    const before = argv.indexOf('--');
    const head = before < 0 ? argv : argv.slice(0, before);
    if (head.includes('--help') || head.includes('-h')) return { help: true };
    // node's message names the flag ("Unknown option '--prot'"); its advice about '--' is noise here
    const message = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '').replace(/^Unknown option '([^']*)'/, 'unknown option $1');
    throw new UsageError(message.charAt(0).toLowerCase() + message.slice(1));
  }
}

export function stringOption(args: CommandArgs, key: string): string | undefined {
  const value = args.values[key];
  return typeof value === 'string' ? value : undefined;
}

export function flagOption(args: CommandArgs, key: string): boolean {
  return args.values[key] === true;
}

export function listOption(args: CommandArgs, key: string): string[] {
  const value = args.values[key];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

/** ~/.cuttle unless --basedir says otherwise (as octoprint's ~/.octoprint). */
export function basedirOption(args: CommandArgs): string {
  return path.resolve(stringOption(args, 'basedir') ?? path.join(os.homedir(), '.cuttle'));
}
