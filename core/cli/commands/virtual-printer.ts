/**
 * `cuttle virtual-printer --link /tmp/cuttle-printer`: the simulated Marlin printer on a pty made by
 * socat, so that any host (cuttle with `--connect /tmp/cuttle-printer`, OctoPrint, a terminal)
 * reaches it through a serial device exactly as a USB printer. Runs until SIGINT/SIGTERM.
 */
import { runStandalone, standaloneOptions, STANDALONE_FLAGS, VIRTUAL_PRINTER_USAGE } from '../../printer/simulator/standalone.js';
import { parseArgs, type CliCommand } from '../command.js';

const command: CliCommand = {
  name: 'virtual-printer',
  summary: 'Run the simulated Marlin printer on a pseudo-terminal (socat) for a host to connect to',
  async run(argv: string[]): Promise<number> {
    const args = parseArgs(argv, STANDALONE_FLAGS);
    if (args.options.help) {
      console.log(VIRTUAL_PRINTER_USAGE);
      return 0;
    }
    if (args.positional.length) {
      console.error(`cuttle virtual-printer: unexpected argument "${args.positional[0]}"\n${VIRTUAL_PRINTER_USAGE}`);
      return 2;
    }
    let options: ReturnType<typeof standaloneOptions>;
    try {
      options = standaloneOptions(args.options);
    } catch (err) {
      console.error(`cuttle virtual-printer: ${(err as Error).message}`);
      return 2;
    }
    return runStandalone(options, (line) => console.log(line));
  },
};

export default command;
