/** The parent's side of bench/worker-process.ts: fork it, wait until it polls, ask for its memory, stop it. */
import { fork, type ChildProcess } from 'node:child_process';
import type { WorkerMemory } from './worker-process';

export interface WorkerChild {
  pid: number;
  ready: WorkerMemory;
  memory(): Promise<WorkerMemory>;
  stop(): Promise<void>;
}

export async function startWorkerChild(env: Record<string, string>, timeoutMs = 120_000): Promise<WorkerChild> {
  // No special Node flags: the worker runs as an operator would run it.
  const child: ChildProcess = fork(require.resolve('./worker-process'), [], {
    env: { ...process.env, ...env },
    execArgv: [],
    stdio: ['ignore', 2, 2, 'ipc'], // its stdout too goes to stderr: stdout is the JSON's,
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let seq = 0;
  const next = (type: string, ms: number, wanted?: number): Promise<WorkerMemory> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker process sent no '${type}' within ${ms} ms`)), ms);
      const onMessage = (m: WorkerMemory & { type: string }): void => {
        if (m.type !== type || (wanted !== undefined && m.seq !== wanted)) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(m);
      };
      child.on('message', onMessage);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`worker process exited (${code}) before '${type}'`));
      });
    });
  const ready = await next('ready', timeoutMs);
  return {
    pid: child.pid!,
    ready,
    memory: () => {
      const id = ++seq;
      const reply = next('memory', 10_000, id);
      child.send({ type: 'memory', seq: id });
      return reply;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
