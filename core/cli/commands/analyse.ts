/**
 * `cuttle analyse FILE [--diameter MM]`: prints the G-code analysis of any file as JSON on stdout
 * (the same result the file manager stores), for users and scripts. Exit code 1 when unreadable.
 */
import fs from 'node:fs';
import { analyseFileSync } from '../../files/analysis/analyse-file.js';
import { stringOption, UsageError, type CliCommand } from '../command.js';

const command: CliCommand = {
  name: 'analyse',
  summary: 'print the G-code analysis of a file as JSON (time, filament, areas, layers)',
  usage: `usage: cuttle analyse FILE [--diameter MM]
  --diameter MM     filament diameter (default 1.75)`,
  options: { diameter: { type: 'string' } },
  positionals: true,
  async run(args) {
    const [file, extra] = args.positional;
    if (!file) throw new UsageError('which file? FILE is missing');
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
    const diameter = Number(stringOption(args, 'diameter') ?? '1.75');
    if (!(diameter > 0)) throw new UsageError('--diameter must be a positive number of mm');
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile()) {
      console.error(`cuttle analyse: ${stat ? `${file} is ${stat.isDirectory() ? 'a folder' : 'not a regular file'}` : `no such file: ${file}`}`);
      return 1;
    }
    const result = analyseFileSync(file, { filamentDiameter: diameter });
    console.log(JSON.stringify(result, null, 2));
    return 0;
  },
};
export default command;
