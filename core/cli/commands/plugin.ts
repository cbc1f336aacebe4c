/**
 * `cuttle plugin new NAME [DIR]`: writes a plugin package (package.json, tsconfig.json, src/index.ts,
 * src/index.test.ts) into DIR (default ./cuttle-plugin-NAME) that `npm install && npm test` builds
 * and checks in a real cuttle. Refuses a DIR that exists and is not empty: nothing is overwritten.
 */
import fs from 'node:fs';
import path from 'node:path';
import { APP_ROOT } from '../../host.js';
import { UsageError, type CliCommand, type CommandArgs } from '../command.js';
import { checkPluginId, pluginTemplate } from '../plugin-template.js';
import { makeDirectorySync } from '../../common/make-directory.js';

const USAGE = `usage: cuttle plugin new NAME [DIR]
  NAME              the plugin id: lower-case letters, digits and dashes (e.g. print-log)
  DIR               where to write the package (default ./cuttle-plugin-NAME); must be new or empty`;

interface CuttlePackage {
  version: string;
  devDependencies: Record<string, string>;
}

async function run(args: CommandArgs): Promise<number> {
  const [action, id, dir, extra] = args.positional;
  if (action !== 'new') throw new UsageError(action ? `unknown action "${action}"` : 'new?');
  if (!id) throw new UsageError('which plugin? NAME is missing');
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  const problem = checkPluginId(id);
  if (problem) throw new UsageError(problem);
  const target = path.resolve(dir ?? `cuttle-plugin-${id}`);
  if (fs.existsSync(target) && (!fs.statSync(target).isDirectory() || fs.readdirSync(target).length > 0)) {
    console.error(`cuttle plugin: ${target} exists and is not an empty folder; nothing written`);
    return 1;
  }
  const own = JSON.parse(fs.readFileSync(path.join(APP_ROOT, 'package.json'), 'utf8')) as CuttlePackage;
  const files = pluginTemplate({
    id,
    cuttleRoot: APP_ROOT,
    cuttleVersion: own.version,
    typescript: own.devDependencies['typescript'] ?? 'latest',
    typesNode: own.devDependencies['@types/node'] ?? 'latest',
  });
  for (const [name, content] of Object.entries(files)) {
    makeDirectorySync(path.dirname(path.join(target, name)));
    fs.writeFileSync(path.join(target, name), content, { flag: 'wx' });
  }
  console.log(`wrote plugin "${id}" to ${target}:`);
  for (const name of Object.keys(files)) console.log(`  ${name}`);
  console.log(`next:\n  cd ${path.relative(process.cwd(), target) || '.'}\n  npm install\n  npm test`);
  return 0;
}

const command: CliCommand = {
  name: 'plugin',
  summary: 'write a new plugin package that builds, tests and loads (plugin new NAME)',
  usage: USAGE,
  options: {},
  positionals: true,
  run,
};
export default command;
