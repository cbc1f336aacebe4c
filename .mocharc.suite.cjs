/**
 * `npm test`'s mocha configuration: .mocharc.json's (what a single `npx mocha dist/test/<file>` uses),
 * with the files run in parallel worker processes, the slowest first.
 *
 * Parallel: each file runs in a worker process of its own (no shared globals); tests take ports from
 * the OS (port 0, freePort()) and files from mkdtemp, so files do not meet. Three workers on two cores:
 * many tests wait on a simulator, a child process or a socket, and a third worker fills that time.
 * Slowest first: mocha hands files to workers in the order given, so a slow file started last would
 * run on alone at the end. The list is the slowest files of a parallel run (wall time per file, measured
 * with a root hook); a file not listed runs after them, in name order, so a new file needs no entry here.
 */
const fs = require('node:fs');
const path = require('node:path');
const base = require('./.mocharc.json');

const DIST = path.join(__dirname, 'dist', 'test');
const SLOWEST_FIRST = [
  'printers/leak',
  'printer/firmware-matrix',
  'farm-events/farm',
  'api/appkeys-flood',
  'api/concurrent-writers',
  'backup/backup',
  'api/wrong-bodies',
  'timelapse/print',
  'spine/readme-plugin',
  'event-log/restart',
  'mqtt/mqtt',
  'service/service',
  'printer/pty',
  'clients/auth',
  'netserial/tcp-farm',
  'spine/cli',
  'ui/more-views',
  'farm-page/farm-page',
  'clients/sockjs',
  'api/settings-save',
  'push/browser',
  'ui/newcomer',
  'timelapse/timelapse',
  'push/current-z',
  'printer/dialects',
  'ui/printer-panels',
  'history/history',
  'printers/kill-save',
  'event-hooks/config',
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
