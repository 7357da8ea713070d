/**
 * The genie CLI run inside the test's own process: the same arguments-to-exit-code path as
 * bin/genie (src/cli/genie.ts), writing to buffers instead of the process's streams. For
 * commands that end by themselves; long-running ones (up, worker, router) stay real processes
 * (processes.ts).
 */
import { genie } from '../../src/cli/genie';
import { Output, type Reader } from '../../src/cli/output';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout then stderr, as processes.ts's genie() gives them. */
  output: string;
}

/** Output into strings; `stdin` is what the command reads for `-` (nothing, unless given). */
export function bufferOutput(stdin: Reader = []): { out: Output; stdout: () => string; stderr: () => string } {
  let stdout = '';
  let stderr = '';
  const out = new Output(
    {
      write: (text: string) => {
        stdout += text;
      },
    },
    {
      write: (text: string) => {
        stderr += text;
      },
    },
    stdin,
  );
  return { out, stdout: () => stdout, stderr: () => stderr };
}

/** `env` is set for the command's duration and put back after, as a child's environment would be. */
export async function genieInProcess(args: string[], env: Record<string, string | undefined> = {}, stdin?: string | Reader): Promise<CliResult> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const setEnv = (values: Record<string, string | undefined>): void => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  setEnv(env);
  const buffers = bufferOutput(typeof stdin === 'string' ? [Buffer.from(stdin)] : stdin);
  try {
    const code = await genie(args, buffers.out);
    return { code, stdout: buffers.stdout(), stderr: buffers.stderr(), output: buffers.stdout() + buffers.stderr() };
  } finally {
    setEnv(saved);
  }
}
