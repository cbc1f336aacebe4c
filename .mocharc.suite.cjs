/**
 * `npm test`'s mocha configuration: .mocharc.json's (what a single `npx mocha dist/test/<file>` uses),
 * with the files run in parallel worker processes, the slowest first.
 *
 * Parallel: each file runs in a worker process of its own (no shared globals); tests take ports from
 * the OS (port 0, freePort()) and files from mkdtemp, so files do not meet. Three workers on two cores:
 * many tests wait on a simulator, a child process or a socket, and a third worker fills that time.
 * Slowest first: mocha hands files to workers in the order given, so a slow file started last would
 * run on alone at the end. The list is the files over ~4 s (/work/brief timing reporter); a file not
 * listed runs after them, in name order, so a new file needs no entry here.
 */
const fs = require('node:fs');
const path = require('node:path');
const base = require('./.mocharc.json');

const DIST = path.join(__dirname, 'dist', 'test');
const SLOWEST_FIRST = [
  'printer/firmware-matrix',
  'spine/cli',
  'push/current-z',
  'farm-events/farm',
  'printers/cli',
  'clients/sockjs',
  'timelapse/timelapse',
  'printers/leak',
  'api/settings-save',
  'clients/auth',
  'farm-page/farm-page',
  'clients/browser',
  'spine/readme-plugin',
  'printer/lost-ok',
  'printer/pty',
  'farm-events/timelapse',
  'clients/print',
  'api/printing',
  'api/appkeys-flood',
  'push/browser',
  'api/concurrent-writers',
  'farm-push/farm-push',
  'timelapse/print',
  'mqtt/mqtt',
].map((name) => path.join(DIST, `${name}.test.js`));

const all = fs
  .readdirSync(DIST, { recursive: true })
  .filter((file) => file.endsWith('.test.js'))
  .map((file) => path.join(DIST, file))
  .sort();

module.exports = {
  ...base,
  parallel: true,
  jobs: Number(process.env.CUTTLE_TEST_JOBS) || 3,
  spec: [...SLOWEST_FIRST.filter((file) => all.includes(file)), ...all.filter((file) => !SLOWEST_FIRST.includes(file))],
};
