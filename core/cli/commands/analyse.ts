/**
 * `cuttle analyse FILE [--diameter MM]`: prints the G-code analysis of any file as JSON on stdout
 * (the same result the file manager stores), for users and scripts. Exit code 1 when unreadable.
 */
import fs from 'node:fs';
import { analyseFileSync } from '../../files/analysis/analyse-file.js';
import { parseArgs, stringOption, type CliCommand } from '../command.js';

const command: CliCommand = {
  name: 'analyse',
  summary: 'print the G-code analysis of a file as JSON (time, filament, areas, layers)',
  async run(argv) {
    const args = parseArgs(argv);
    const file = args.positional[0];
    if (!file || args.options.help) {
      console.error('usage: cuttle analyse FILE [--diameter 1.75]');
      return 2;
    }
    const diameter = Number(stringOption(args, 'diameter') ?? '1.75');
    if (!(diameter > 0)) {
      console.error('cuttle analyse: --diameter must be a positive number of mm');
      return 2;
    }
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      console.error(`cuttle analyse: no such file: ${file}`);
      return 1;
    }
    const result = analyseFileSync(file, { filamentDiameter: diameter });
    console.log(JSON.stringify(result, null, 2));
    return 0;
  },
};
export default command;
