/**
 * What to run under a name, checked before anything starts; and when two specs are "the
 * same" (argv, working directory, environment — the environment compared through a salted
 * HMAC, since secret values are never stored).
 */
import { createHmac } from 'node:crypto';
import * as path from 'node:path';
import { ProcessError } from './errors';
import { checkName, type AutoRestartPolicy, type ProcessRecord } from './store';

export interface ProcessSpec {
  name: string;
  /** argv[0]: the executable, an absolute path. No shell ever sees any of it. */
  argv: string[];
  /** Absolute; default the starter's working directory. */
  cwd?: string;
  /** The process's variables (besides PATH, HOME, LANG… from the starter). Secret-named values are never written to disk. */
  env?: Record<string, string>;
  version?: string;
  port?: number;
  /** Polled after (re)starts until it answers 200; a JSON `version` in the answer must match `version`. */
  healthUrl?: string;
  group?: string;
  autoRestart?: AutoRestartPolicy;
}

/** Same argv, working directory and environment (compared through the record's salted digest). */
export function sameSpec(record: ProcessRecord, spec: Required<Pick<ProcessSpec, 'argv' | 'cwd' | 'env'>>): boolean {
  return JSON.stringify(record.argv) === JSON.stringify(spec.argv) && record.cwd === spec.cwd && record.envDigest === digest(record.digestSalt, spec.env);
}

export function digest(salt: string, env: Record<string, string>): string {
  const canonical = JSON.stringify(
    Object.keys(env)
      .sort()
      .map((k) => [k, env[k]]),
  );
  return createHmac('sha256', salt).update(canonical).digest('hex');
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function checkSpec(spec: ProcessSpec): ProcessSpec & { cwd: string; env: Record<string, string> } {
  const name = checkName(spec.name);
  const bad = (what: string) => new ProcessError('PROCESS_BAD_SPEC', `process ${name}: ${what}`);
  if (!Array.isArray(spec.argv) || spec.argv.length === 0) throw bad('argv must be a non-empty list (the executable, then its arguments)');
  spec.argv.forEach((a, i) => {
    if (typeof a !== 'string' || a.includes('\0')) throw bad(`argv[${i}] must be a string without NUL bytes`);
  });
  if (!path.isAbsolute(spec.argv[0]!))
    throw bad(`argv[0] ${JSON.stringify(spec.argv[0])} must be an absolute path (nothing is looked up on PATH, and no shell runs it)`);
  const cwd = spec.cwd ?? process.cwd();
  if (!path.isAbsolute(cwd)) throw bad(`cwd ${cwd} must be absolute`);
  const env = spec.env ?? {};
  for (const [k, v] of Object.entries(env)) {
    if (!ENV_NAME.test(k)) throw bad(`env name ${JSON.stringify(k)} is not a variable name`);
    if (typeof v !== 'string' || v.includes('\0')) throw bad(`env ${k} must be a string without NUL bytes`);
  }
  if (spec.port !== undefined && (!Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65535)) throw bad(`port ${spec.port} is not a port number`);
  return { ...spec, cwd, env };
}
