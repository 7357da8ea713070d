/**
 * The policy in force: the file at GENIE_POLICY, read again when it changes (so an edit
 * takes effect without restarting workers). A file that cannot be read or parsed refuses
 * every override rather than letting them all through.
 */
import * as fs from 'node:fs';
import { PolicyError } from './errors';
import { parsePolicy } from './parse';
import type { Policy } from './types';

let cached: { file: string; mtimeMs: number; size: number; policy: Policy } | undefined;

/** The configured policy file, or undefined when overrides are not authorized (local development). */
export function policyFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.GENIE_POLICY || undefined;
}

export function loadPolicy(file: string): Policy {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    throw new PolicyError(file, [`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); fix GENIE_POLICY`]);
  }
  if (cached && cached.file === file && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.policy;
  const policy = parsePolicy(fs.readFileSync(file, 'utf8'), file);
  cached = { file, mtimeMs: stat.mtimeMs, size: stat.size, policy };
  return policy;
}
