/**
 * `genie chaos`: the controls of chaos experiments.
 *
 *   stop-all      emergencyStop every running chaos run and remove every fault at once
 *   stop <id>     emergencyStop one run
 *   reap          remove faults whose owner stopped heartbeating (or, with --all, every fault)
 *   faults        list the faults in the fault store
 *   import <file> print a Chaos Toolkit experiment as a Genie runbook (YAML)
 *   schedule <runbook> --cron C   run an experiment on a Temporal Schedule (pause/resume with --pause/--resume <id>)
 */
import { ScheduleOverlapPolicy, WorkflowNotFoundError } from '@temporalio/client';
import { stringify } from 'yaml';
import { overrideSignals, WORKFLOW_TYPE, type RunbookInput } from '../../../workflows/api';
import { RunbookKind, RunbookName } from '../../../workflows/search-attributes';
import { convertExperiment, isChaosToolkitExperiment } from '../../chaos/ctk/convert';
import { reapOnce } from '../../chaos/reaper';
import { FaultStore } from '../../chaos/store';
import { formatDiagnostic } from '../../dsl/diagnostics';
import { parseSource } from '../../dsl/parse';
import { operatorAuth } from '../../policy/operator';
import { firstRunId } from '../../temporal/first-run-id';
import { withClient } from '../client';
import type { Command, Values } from '../command';
import { currentUser } from '../identity';
import { parseParamPairs } from '../params';
import { EXIT, type Output, UsageError } from '../output';
import { resolveSource } from '../runbook-source';
import { isStdin, readInput, STDIN_NAME } from '../input';

const OVERLAPS: Record<string, ScheduleOverlapPolicy> = {
  skip: ScheduleOverlapPolicy.SKIP,
  buffer_one: ScheduleOverlapPolicy.BUFFER_ONE,
  buffer_all: ScheduleOverlapPolicy.BUFFER_ALL,
  cancel_other: ScheduleOverlapPolicy.CANCEL_OTHER,
  terminate_other: ScheduleOverlapPolicy.TERMINATE_OTHER,
  allow_all: ScheduleOverlapPolicy.ALLOW_ALL,
};

export const RUNNING_CHAOS_QUERY = "RunbookKind = 'chaos' AND ExecutionStatus = 'Running'";

function stopArgs(values: Values): { by: string; reason: string } {
  if (!values.as && !process.env.GENIE_USER) throw new UsageError('say who stops the experiments: --as <who>');
  return { by: currentUser(values.as as string | undefined), reason: (values.reason as string | undefined) ?? 'emergency stop' };
}

async function stopAll(values: Values, out: Output): Promise<number> {
  const args = stopArgs(values);
  const started = performance.now();
  const store = new FaultStore();
  return withClient(async (client) => {
    const ids: string[] = [];
    for await (const wf of client.workflow.list({ query: RUNNING_CHAOS_QUERY })) ids.push(wf.workflowId);
    // Signals, not updates: they land even when no worker is alive to answer; the reaper below does not need one.
    const signalled = await Promise.all(
      ids.map(async (id) => {
        try {
          const auth = await operatorAuth(values.key as string | undefined, 'emergencyStop', { workflowId: id, runId: () => firstRunId(client, id) }, args);
          await client.workflow.getHandle(id).signal(overrideSignals.emergencyStop, auth ? { ...args, auth } : args);
          return { id, stopped: true };
        } catch (err) {
          return { id, stopped: false, error: err instanceof WorkflowNotFoundError ? 'already ended' : (err as Error).message };
        }
      }),
    );
    const reaped = await reapOnce({ store, all: true, by: args.by, reason: `stop-all by ${args.by}: ${args.reason}` });
    // In-process faults of live workers end when their owners see the request; wait for them (bounded).
    const deadline = Date.now() + 2_000;
    while (store.live().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const left = store.live();
    const result = {
      runs: signalled,
      removed: reaped.removed,
      failed: reaped.failed,
      stillLive: left.map((r) => ({ id: r.id, kind: r.kind, target: r.target })),
      elapsedMs: Math.round(performance.now() - started),
    };
    if (values.json) out.printJson(result);
    else {
      out.print(
        `emergency stop sent to ${signalled.filter((s) => s.stopped).length} chaos run(s); removed ${reaped.removed.length} fault(s) in ${result.elapsedMs} ms`,
      );
      for (const r of reaped.removed) out.print(`  removed ${r.kind} on ${r.target}: ${r.removal ?? ''}`);
      for (const f of [...reaped.failed, ...result.stillLive.map((l) => ({ id: l.id, error: 'still live' }))]) out.print(`  NOT removed ${f.id}: ${f.error}`);
    }
    return left.length === 0 && reaped.failed.length === 0 ? EXIT.ok : EXIT.failed;
  });
}

async function stopOne(values: Values, id: string | undefined, out: Output): Promise<number> {
  if (!id) throw new UsageError('name the run: genie chaos stop <id> --as <who>');
  const args = stopArgs(values);
  return withClient(async (client) => {
    try {
      const auth = await operatorAuth(values.key as string | undefined, 'emergencyStop', { workflowId: id, runId: () => firstRunId(client, id) }, args);
      await client.workflow.getHandle(id).signal(overrideSignals.emergencyStop, auth ? { ...args, auth } : args);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new UsageError(`no running run with id ${id}`, EXIT.failed);
      throw err;
    }
    out.print(`emergency stop sent to ${id}; its rollbacks run now`);
    return EXIT.ok;
  });
}

async function reap(values: Values, out: Output): Promise<number> {
  const all = values.all === true;
  const by = currentUser(values.as as string | undefined);
  const r = await reapOnce({ all, by: all ? by : 'genie chaos reap', ...(all ? { reason: `reap --all by ${by}` } : {}) });
  if (values.json) out.printJson(r);
  else {
    out.print(`checked ${r.checked} live fault(s); removed ${r.removed.length}`);
    for (const x of r.removed) out.print(`  removed ${x.kind} on ${x.target}: ${x.reason}`);
    for (const f of r.failed) out.print(`  NOT removed ${f.id}: ${f.error}`);
  }
  return r.failed.length ? EXIT.failed : EXIT.ok;
}

function faults(values: Values, out: Output): number {
  const list = new FaultStore().list().filter((r) => values.all || r.state === 'active' || r.state === 'pending');
  if (values.json) out.printJson(list);
  else if (list.length === 0) out.print('no live faults');
  else
    for (const r of list)
      out.print(
        `${r.id}  ${r.state.padEnd(7)} ${r.kind.padEnd(7)} ${r.target}  run ${r.owner.workflowId ?? '-'}  deadline ${r.deadline}${r.removal ? `  (${r.removal})` : ''}`,
      );
  return EXIT.ok;
}

async function importExperiment(given: string | undefined, out: Output): Promise<number> {
  if (!given) throw new UsageError('name the experiment: genie chaos import <experiment.json|->');
  const text = await readInput(given, out);
  const file = isStdin(given) ? STDIN_NAME : given;
  const source = parseSource(text, file);
  if (source.diagnostics.length) throw new UsageError(source.diagnostics.map(formatDiagnostic).join('\n'), EXIT.failed);
  if (!isChaosToolkitExperiment(source.value)) throw new UsageError(`${file} is not a Chaos Toolkit experiment (it needs title and method, and no apiVersion)`);
  const converted = convertExperiment(source);
  if (!converted.runbook) throw new UsageError(`${file} cannot be imported:\n${converted.diagnostics.map(formatDiagnostic).join('\n')}`, EXIT.failed);
  out.stdout.write(
    `# Imported from the Chaos Toolkit experiment ${file} by genie chaos import\n${stringify(converted.runbook, { lineWidth: 0, aliasDuplicateObjects: false })}`,
  );
  return EXIT.ok;
}

async function schedule(values: Values, target: string | undefined, out: Output): Promise<number> {
  if (values.pause || values.resume) {
    const id = (values.pause ?? values.resume) as string;
    return withClient(async (client) => {
      const handle = client.schedule.getHandle(id);
      const note = `${values.pause ? 'paused' : 'resumed'} by ${currentUser(values.as as string | undefined)}${values.reason ? `: ${values.reason}` : ''}`;
      if (values.pause) await handle.pause(note);
      else await handle.unpause(note);
      out.print(`schedule ${id} ${note}`);
      return EXIT.ok;
    });
  }
  if (!target || !values.cron)
    throw new UsageError(
      'usage: genie chaos schedule <runbook> --cron "*/15 * * * *" [--overlap skip|buffer_one|buffer_all|cancel_other|terminate_other|allow_all] [--paused]',
    );
  const overlap =
    OVERLAPS[
      String(values.overlap ?? 'skip')
        .toLowerCase()
        .replace(/-/g, '_')
    ];
  if (!overlap) throw new UsageError(`--overlap ${values.overlap} is not one of ${Object.keys(OVERLAPS).join(', ')}`);
  const source = await resolveSource(target, parseParamPairs(values.param as string[] | undefined), out);
  if (source.definition.kind !== 'chaos')
    throw new UsageError(`${source.definition.metadata.name} is a ${source.definition.kind} runbook; genie chaos schedule schedules chaos experiments`);
  const name = source.definition.metadata.name;
  const requestedBy = currentUser(values.as as string | undefined);
  const input: RunbookInput = { runbook: source.runbook, params: source.params, requestedBy };
  return withClient(async (client, settings) => {
    const scheduleId = (values.id as string | undefined) ?? `chaos-${name}`;
    await client.schedule.create({
      scheduleId,
      spec: { cronExpressions: [String(values.cron)] },
      action: {
        type: 'startWorkflow',
        workflowType: WORKFLOW_TYPE,
        taskQueue: settings.taskQueue,
        args: [input],
        workflowId: `${name}-scheduled`,
        typedSearchAttributes: [
          { key: RunbookName, value: name },
          { key: RunbookKind, value: 'chaos' },
        ],
      },
      policies: { overlap },
      state: { paused: values.paused === true, note: `scheduled by ${requestedBy}` },
    });
    out.print(
      `schedule ${scheduleId}: ${name} on "${values.cron}", overlap ${String(values.overlap ?? 'skip')}${values.paused ? ', paused' : ''} (temporal schedule describe --schedule-id ${scheduleId})`,
    );
    return EXIT.ok;
  });
}

/** A chaos subcommand: at most one argument, as every one of them takes. */
function sub(name: string, summary: string, usage: string, run: (values: Values, arg: string | undefined, out: Output) => Promise<number> | number): Command {
  return {
    name,
    summary,
    usage,
    options: {},
    run(values, [arg, ...rest], out) {
      if (rest.length) throw new UsageError(`unexpected ${rest.join(' ')}`);
      return run(values, arg, out);
    },
  };
}

export const command: Command = {
  name: 'chaos',
  summary: 'Chaos experiment controls: stop-all, stop, reap, faults, import (Chaos Toolkit), schedule.',
  usage: 'genie chaos <stop-all|stop|reap|faults|import|schedule> ...',
  details: [
    '  stop-all --as WHO [--reason R] [--json]   emergencyStop every running chaos run and remove every fault (exit 1 if one is left)',
    '  stop <id> --as WHO [--reason R]           emergencyStop one run; its rollbacks run at once',
    '  reap [--all --as WHO] [--json]            remove faults whose owner stopped heartbeating past their TTL (--all: every fault)',
    '  faults [--all] [--json]                   the fault store: live faults (--all: removed ones too)',
    '  import <experiment.json|yaml|->           print a Chaos Toolkit experiment as a Genie runbook (YAML); - reads stdin',
    '  schedule <runbook> --cron C [--overlap skip|buffer_one|buffer_all|cancel_other|terminate_other|allow_all] [--paused] [--id ID] [--param k=v]',
    '  schedule --pause ID | --resume ID [--as WHO] [--reason R]',
    'Faults are kept in GENIE_CHAOS_DIR (default .genie/chaos/faults); targets must be in GENIE_CHAOS_TARGETS.',
  ],
  options: {
    as: { type: 'string', help: 'who stops, reaps or schedules (default $GENIE_USER)' },
    reason: { type: 'string', help: 'why, recorded with the stop or the schedule change' },
    key: { type: 'string', help: 'sign the emergency stop with this key (default $GENIE_KEY)' },
    json: { type: 'boolean', help: 'the result as JSON' },
    all: { type: 'boolean', help: 'reap: every fault, not only orphaned ones; faults: removed ones too' },
    cron: { type: 'string', help: 'schedule: when, as a cron expression' },
    overlap: { type: 'string', help: 'schedule: what a start does while the last run still runs (default skip)' },
    paused: { type: 'boolean', help: 'schedule: create it paused' },
    id: { type: 'string', help: 'schedule: the schedule id (default chaos-<runbook>)' },
    param: { type: 'string', multiple: true, short: 'p', help: 'schedule: a runbook parameter k=v; repeat for more' },
    pause: { type: 'string', help: 'schedule: pause the schedule ID' },
    resume: { type: 'string', help: 'schedule: resume the schedule ID' },
  },
  subcommands: [
    sub(
      'stop-all',
      'Emergency-stop every running chaos run and remove every fault (exit 1 if one is left).',
      'genie chaos stop-all --as WHO [--reason R] [--json]',
      (values, _arg, out) => stopAll(values, out),
    ),
    sub('stop', 'Emergency-stop one run; its rollbacks run at once.', 'genie chaos stop <id> --as WHO [--reason R]', stopOne),
    sub(
      'reap',
      'Remove faults whose owner stopped heartbeating past their TTL (--all: every fault).',
      'genie chaos reap [--all --as WHO] [--json]',
      (values, _arg, out) => reap(values, out),
    ),
    sub('faults', 'The fault store: live faults (--all: removed ones too).', 'genie chaos faults [--all] [--json]', (values, _arg, out) => faults(values, out)),
    sub('import', 'Print a Chaos Toolkit experiment as a Genie runbook (YAML).', 'genie chaos import <experiment.json|yaml|->', (_values, arg, out) =>
      importExperiment(arg, out),
    ),
    sub(
      'schedule',
      'Run an experiment on a Temporal Schedule, or pause/resume one.',
      'genie chaos schedule <runbook> --cron C [--overlap P] [--paused] [--id ID] [--param k=v] | genie chaos schedule --pause ID | --resume ID',
      schedule,
    ),
  ],
};
