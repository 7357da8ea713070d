/** Real child processes for end-to-end tests: the genie CLI and worker, started and killed like an operator would. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { projectRoot } from '../../src/paths';

export const GENIE_MAIN = path.join(projectRoot, 'dist', 'src', 'cli', 'main.js');

export interface Spawned {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnGenie(args: string[], env: Record<string, string | undefined> = {}): Spawned {
  const child = spawn(process.execPath, [GENIE_MAIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => out, exited };
}

/** Runs the CLI to completion and returns its exit code and output. */
export async function genie(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; output: string }> {
  const p = spawnGenie(args, env);
  const { code } = await p.exited;
  return { code, output: p.output() };
}

export async function waitForOutput(p: Spawned, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(p.output())) {
    if (Date.now() > deadline) throw new Error(`no ${pattern} in output within ${timeoutMs} ms:\n${p.output()}`);
    if (p.child.exitCode !== null) throw new Error(`process exited (${p.child.exitCode}) before ${pattern}:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
