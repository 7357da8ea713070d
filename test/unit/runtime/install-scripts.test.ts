/**
 * Every dependency with an install script has been reviewed: package.json's allowScripts
 * (npm 11.16+) names it, true to run it, false to skip it. A new dependency that brings an
 * install script fails here until someone decides, instead of npm printing an advisory on
 * every install (and, from npm 12, refusing to run it).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../../../src/paths';

interface LockEntry {
  name?: string;
  hasInstallScript?: boolean;
}

const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(path.join(projectRoot, file), 'utf8'));

/** The package name of a lockfile key such as node_modules/a/node_modules/@scope/b. */
function packageName(key: string, entry: LockEntry): string {
  return entry.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

describe('runtime: install scripts of dependencies are reviewed', () => {
  const manifest = readJson('package.json') as { allowScripts?: Record<string, boolean> };
  const lock = readJson('package-lock.json') as { packages: Record<string, LockEntry> };
  const withScripts = [
    ...new Set(
      Object.entries(lock.packages)
        .filter(([key, entry]) => key && entry.hasInstallScript)
        .map(([key, entry]) => packageName(key, entry)),
    ),
  ];

  it('finds the packages the lockfile marks as having install scripts', () => {
    assert.ok(withScripts.includes('@swc/core'), `lockfile packages with install scripts: ${withScripts.join(', ')}`);
  });

  it('covers each of them in allowScripts, by name (the lockfile has no resolved URLs, so version pins would never match)', () => {
    const policy = manifest.allowScripts ?? {};
    for (const name of withScripts) assert.equal(typeof policy[name], 'boolean', `${name} has an install script but no allowScripts entry`);
    for (const key of Object.keys(policy)) assert.ok(!/.@/.test(key), `${key}: a pinned entry never matches a lockfile without resolved URLs`);
  });

  it('runs only the script that is wanted: @swc/core checks its native binding (falls back to wasm); protobufjs 7 only warns dependents', () => {
    assert.deepEqual(manifest.allowScripts, { '@swc/core': true, protobufjs: false });
  });
});
