#!/usr/bin/env node
/** The `cuttle` executable: the dispatcher (cli.ts) on this process's arguments; its result is the exit code. */
import 'reflect-metadata';
import { runCli } from './cli.js';

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
