#!/usr/bin/env node
/** `genie`: the command line. One file per command under commands/, loaded only when it runs (command-index.ts). */
import './compile-cache';
import { genie } from './genie';
import { processOutput } from './output';

// `genie list | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

void genie(process.argv.slice(2), processOutput()).then((code) => {
  process.exitCode = code;
});
