/**
 * `cuttle virtual-printer --link /tmp/cuttle-printer`: the simulated Marlin printer on a pty made by
 * socat, so that any host (cuttle with `--connect /tmp/cuttle-printer`, OctoPrint, a terminal)
 * reaches it through a serial device exactly as a USB printer; `--printers N --tcp PORT`: N of them in
 * one process on TCP ports, as behind ser2net. Runs until SIGINT/SIGTERM.
 */
import { runStandalone, simulatorOptions, STANDALONE_FLAGS, STANDALONE_KEYS, VIRTUAL_PRINTER_USAGE } from '../../printer/simulator/standalone.js';
import { UsageError, type CliCommand, type OptionSpecs } from '../command.js';

const OPTIONS: OptionSpecs = Object.fromEntries([
  ...STANDALONE_FLAGS.filter((flag) => flag !== 'help').map((flag) => [flag, { type: 'boolean' as const }]),
  ...STANDALONE_KEYS.map((key) => [key, { type: 'string' as const }]),
]);

const command: CliCommand = {
  name: 'virtual-printer',
  summary: 'Run simulated printers for a host to connect to: on a pseudo-terminal (socat) or on TCP ports (--tcp), one or many (--printers N)',
  usage: VIRTUAL_PRINTER_USAGE,
  options: OPTIONS,
  async run(args) {
    let options: ReturnType<typeof simulatorOptions>;
    try {
      options = simulatorOptions(Object.fromEntries(Object.entries(args.values).filter((e): e is [string, string | true] => typeof e[1] === 'string' || e[1] === true)));
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    return runStandalone(options, (line) => console.log(line));
  },
};

export default command;
