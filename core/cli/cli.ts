/**
 * The `cuttle` dispatcher: `runCli(argv)` runs `cuttle <command> [options]` and resolves with the exit
 * code (0 done, 1 failed, 2 usage). Commands are the files of ./commands/.
 * `cuttle <command> --help` prints that command's usage and does nothing else.
 * main.ts runs it as the process; being a function, it also runs inside a test's process.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseCommandArgs, UsageError, type CliCommand } from './command.js';

const COMMANDS_DIR = path.join(__dirname, 'commands');

function loadCommand(file: string): CliCommand | undefined {
  return (require(path.join(COMMANDS_DIR, file)) as { default?: CliCommand }).default;
}

function loadCommands(): Map<string, CliCommand> {
  const commands = new Map<string, CliCommand>();
  if (!existsSync(COMMANDS_DIR)) return commands;
  for (const file of readdirSync(COMMANDS_DIR).sort()) {
    if (!file.endsWith('.js')) continue;
    const command = loadCommand(file);
    if (command?.name) commands.set(command.name, command);
  }
  return commands;
}

/**
 * The command `name`, loading only its own file when it is named after it (every command loads the parts
 * of the host it uses, which for some is all of it: a process that runs `printers list` should not pay
 * for `serve`'s); otherwise, or for a file named differently, every command file is scanned.
 */
function findCommand(name: string): { command: CliCommand | undefined; commands: () => Map<string, CliCommand> } {
  const own = /^[a-z][a-z-]*$/.test(name) && existsSync(path.join(COMMANDS_DIR, `${name}.js`)) ? loadCommand(`${name}.js`) : undefined;
  if (own?.name === name) return { command: own, commands: loadCommands };
  const commands = loadCommands();
  return { command: commands.get(name), commands: () => commands };
}

function usage(commands: Map<string, CliCommand>): string {
  const width = Math.max(...[...commands.keys()].map((n) => n.length), 4);
  return ['usage: cuttle <command> [options]', '', 'commands:', ...[...commands.values()].map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)].join('\n');
}

async function dispatch(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage(loadCommands()));
    return name ? 0 : 2;
  }
  const { command, commands } = findCommand(name);
  if (!command) {
    console.error(`cuttle: unknown command "${name}"\n\n${usage(commands())}`);
    return 2;
  }
  try {
    const parsed = parseCommandArgs(command, rest);
    if (!parsed.help) return await command.run(parsed.args);
    console.log(`${command.usage}\n\n${command.summary}`);
    return 0;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`cuttle ${name}: ${err.message}\n\n${command.usage}`);
    return 2;
  }
}

/** Runs one command line (without `node` and the script); an unexpected error is printed and exits 1. */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (err) {
    console.error(`cuttle: ${(err as Error)?.message ?? String(err)}`);
    return 1;
  }
}
