/**
 * A Genie worker alone in its own process, so its RSS is the worker's and nothing else's.
 * Started by bench/worker-child.ts with IPC; configured by environment:
 *   GENIE_BENCH_ADDRESS      Temporal frontend (host:port)
 *   GENIE_BENCH_NAMESPACE    default "default"
 *   GENIE_BENCH_TASK_QUEUE   the dedicated queue to poll
 *   GENIE_BENCH_MAX_CACHED   maxCachedWorkflows, or "default" for the SDK's own choice
 *   GENIE_RUNBOOK_DIR        where runbook names resolve (bench/runbooks)
 *   GENIE_BENCH_BUNDLE       a prebuilt workflow bundle file (default: Genie's own, as `genie worker` loads it)
 * Messages in: {type:'memory', seq} → replies {type:'memory', seq, ...}; {type:'stop'} → shuts down.
 * It loads the workflow bundle as `genie worker` does (the prebuilt one from npm run build).
 */
import * as fs from 'node:fs';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { installWorkerLogging } from '../src/temporal/logging';
import { createGenieWorker } from '../src/temporal/worker';

export interface WorkerMemory {
  type: 'memory';
  /** Echoes the request's, so a late reply to one request never answers another. */
  seq?: number;
  rssMb: number;
  heapUsedMb: number;
  externalMb: number;
  cachedWorkflows: number;
  maxCachedWorkflows: number;
}

const mb = (bytes: number): number => Number((bytes / 2 ** 20).toFixed(1));

function memory(worker: Worker): WorkerMemory {
  const m = process.memoryUsage();
  return {
    type: 'memory',
    rssMb: mb(m.rss),
    heapUsedMb: mb(m.heapUsed),
    externalMb: mb(m.external),
    cachedWorkflows: worker.getStatus().numCachedWorkflows,
    maxCachedWorkflows: worker.options.maxCachedWorkflows,
  };
}

async function main(): Promise<void> {
  const address = process.env.GENIE_BENCH_ADDRESS;
  const taskQueue = process.env.GENIE_BENCH_TASK_QUEUE;
  if (!address || !taskQueue || !process.send) throw new Error('worker-process needs GENIE_BENCH_ADDRESS, GENIE_BENCH_TASK_QUEUE and an IPC channel');
  const cached = process.env.GENIE_BENCH_MAX_CACHED;
  const bundleFile = process.env.GENIE_BENCH_BUNDLE;
  installWorkerLogging();
  const connection = await NativeConnection.connect({ address });
  const worker = await createGenieWorker({
    connection,
    namespace: process.env.GENIE_BENCH_NAMESPACE ?? 'default',
    taskQueue,
    ...(bundleFile ? { workflowBundle: { code: fs.readFileSync(bundleFile, 'utf8') } } : {}),
    ...(cached && cached !== 'default' ? { maxCachedWorkflows: Number(cached) } : {}),
  });
  const running = worker.run();
  process.on('message', (msg: { type?: string; seq?: number }) => {
    if (msg?.type === 'memory') process.send!({ ...memory(worker), seq: msg.seq });
    if (msg?.type === 'stop' && worker.getState() === 'RUNNING') worker.shutdown();
  });
  // An orphaned worker must not outlive the bench.
  process.on('disconnect', () => process.exit(0));
  process.send({ ...memory(worker), type: 'ready' });
  await running;
  await connection.close();
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`worker-process: ${err?.stack ?? err}\n`);
  process.exit(1);
});
