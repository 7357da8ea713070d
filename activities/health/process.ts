/**
 * `health.process`: is a process alive (by pid, or by name), and within its memory and
 * open-file limits? Reads /proc (Linux); elsewhere only liveness by pid is known.
 */
import { Type } from '@sinclair/typebox';
import { ApplicationFailure } from '@temporalio/activity';
import * as fs from 'node:fs/promises';
import { defineAction } from '../action';
import { FailOnUnhealthy, judgeUpper, verdict, type HealthStatus } from './status';

export interface ProcessFacts {
  pid: number;
  name: string;
  state: string;
  rssMb: number | null;
  openFiles: number | null;
}

export const process_ = defineAction({
  name: 'health.process',
  description: 'Checks that a process (pid or exact name) is alive and not a zombie; RSS and open file descriptors against limits.',
  args: Type.Object(
    {
      pid: Type.Optional(Type.Integer({ minimum: 1 })),
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Exact process name (as in /proc/<pid>/comm); all matches are checked' })),
      maxRssMb: Type.Optional(Type.Number({ minimum: 0 })),
      degradedRssMb: Type.Optional(Type.Number({ minimum: 0 })),
      maxOpenFiles: Type.Optional(Type.Integer({ minimum: 0 })),
      minInstances: Type.Optional(Type.Integer({ minimum: 0, description: 'With name: fewer running instances is unhealthy (default 1)' })),
      failOnUnhealthy: FailOnUnhealthy,
    },
    { additionalProperties: false },
  ),
  defaults: { timeout: '30s', retry: { maxAttempts: 1 } },
  run: async (args) => {
    if ((args.pid === undefined) === (args.name === undefined)) {
      throw ApplicationFailure.nonRetryable('health.process needs exactly one of pid or name', 'BAD_ARGUMENT');
    }
    const target = args.pid !== undefined ? `pid ${args.pid}` : `process ${args.name}`;
    const pids = args.pid !== undefined ? [args.pid] : await pidsNamed(args.name!);
    const found = (await Promise.all(pids.map(facts))).filter((f): f is ProcessFacts => f !== undefined);
    const minInstances = args.pid !== undefined ? 1 : (args.minInstances ?? 1);
    const judged: { status: HealthStatus; reason?: string }[] = [];
    if (found.length < minInstances) judged.push({ status: 'unhealthy', reason: `${found.length} running, expected at least ${minInstances}` });
    for (const f of found) {
      if (f.state === 'Z' || f.state === 'X') judged.push({ status: 'unhealthy', reason: `pid ${f.pid} is ${f.state === 'Z' ? 'a zombie' : 'dead'}` });
      if (f.state === 'T') judged.push({ status: 'degraded', reason: `pid ${f.pid} is stopped (SIGSTOP)` });
      if (f.rssMb !== null) judged.push(judgeUpper(`pid ${f.pid} RSS`, f.rssMb, ' MB', args.degradedRssMb, args.maxRssMb));
      if (f.openFiles !== null) judged.push(judgeUpper(`pid ${f.pid} open files`, f.openFiles, '', undefined, args.maxOpenFiles));
    }
    const thresholds = { maxRssMb: args.maxRssMb, degradedRssMb: args.degradedRssMb, maxOpenFiles: args.maxOpenFiles, minInstances };
    return verdict(target, judged, { processes: found, thresholds }, args.failOnUnhealthy);
  },
});

/** What /proc says about one pid, or undefined when it is gone. */
export async function facts(pid: number): Promise<ProcessFacts | undefined> {
  let stat: string;
  try {
    stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return aliveWithoutProc(pid);
  }
  // The name is in parentheses and may itself contain spaces or parentheses.
  const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const rssKb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  const openFiles = await fs.readdir(`/proc/${pid}/fd`).then(
    (fds) => fds.length,
    () => null,
  );
  return { pid, name, state, rssMb: rssKb ? Math.round(Number(rssKb) / 102.4) / 10 : null, openFiles };
}

/** Without /proc (not Linux) a signal 0 still tells whether the pid exists. */
function aliveWithoutProc(pid: number): ProcessFacts | undefined {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return process.platform === 'linux' ? undefined : { pid, name: '', state: '?', rssMb: null, openFiles: null };
}

async function pidsNamed(name: string): Promise<number[]> {
  const entries = await fs.readdir('/proc').catch(() => [] as string[]);
  const pids: number[] = [];
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e))
      .map(async (e) => {
        const comm = await fs.readFile(`/proc/${e}/comm`, 'utf8').catch(() => '');
        if (comm.trim() === name) pids.push(Number(e));
      }),
  );
  return pids.sort((a, b) => a - b);
}
