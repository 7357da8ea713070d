/**
 * Operator overrides. Each is an update (a refused request is answered to its caller by the
 * validator) and a signal (for the UI's signal form and `temporal workflow signal`; a
 * refused signal is kept in the state's override log). Every accepted one is in history
 * with who and why.
 */
import { setHandler } from '@temporalio/workflow';
import { OVERRIDE_NAMES, overrideSignals, overrideUpdates, stateQuery, type OverrideArgs, type OverrideName } from './api';
import type { ApprovalWait, RunContext } from './run-state';
import { OverrideGate } from './authorize';

type Check = (run: RunContext, args: OverrideArgs) => string | undefined;
type Apply = (run: RunContext, args: OverrideArgs) => string;

const FINISHED = new Set(['succeeded', 'failed', 'aborted', 'rolled_back', 'compensating']);

function stillRunning(run: RunContext): string | undefined {
  return FINISHED.has(run.status) ? `the run is ${run.status.replace('_', ' ')}; nothing to override` : undefined;
}

/** The approval an approve/reject means: the named one, or the only one pending. */
function targetApproval(run: RunContext, args: OverrideArgs): ApprovalWait | string {
  const pending = [...run.approvals.values()];
  if (args.stepId) {
    const match = pending.filter((a) => a.path === args.stepId || a.path.endsWith(`.${args.stepId}`) || a.path.split('[')[0] === args.stepId);
    if (match.length === 1) return match[0];
    if (match.length > 1) return `several approvals match ${args.stepId}: ${match.map((a) => a.path).join(', ')}; name one`;
    return `no approval is pending for step ${args.stepId}${pending.length ? ` (pending: ${pending.map((a) => a.path).join(', ')})` : ''}`;
  }
  if (pending.length === 1) return pending[0];
  return pending.length === 0 ? 'no approval is pending' : `several approvals are pending (${pending.map((a) => a.path).join(', ')}); pass stepId`;
}

function claimedRequester(requestedBy: string): string {
  return requestedBy.replace(/ \(unverified\)$/, '');
}

function approverProblem(run: RunContext, wait: ApprovalWait, by: string): string | undefined {
  if (wait.eligible && !wait.eligible.includes(by)) return `${by} is not an approver of ${wait.path} (approvers: ${wait.approvers.join(', ')})`;
  if (wait.separationOfDuties && by === run.requestedBy) return `${by} requested this run and may not approve it (separation of duties)`;
  // An unsigned start records "<name> (unverified)": whoever claimed that name is still treated as the requester.
  const start = run.loaded.start;
  if (wait.separationOfDuties && start?.verified === false && start.unverifiedRequester !== 'ignored' && by === claimedRequester(run.requestedBy)) {
    return `${by} is named as the (unverified) requester of this run and may not approve it (separation of duties); an approver must be someone else`;
  }
  return undefined;
}

const checks: Record<OverrideName, Check> = {
  approve: (run, args) => {
    const wait = targetApproval(run, args);
    if (typeof wait === 'string') return wait;
    if (wait.approvals.some((a) => a.by === args.by)) return `${args.by} already approved ${wait.path}; approvals must come from distinct people`;
    return approverProblem(run, wait, args.by);
  },
  reject: (run, args) => {
    const wait = targetApproval(run, args);
    return typeof wait === 'string' ? wait : approverProblem(run, wait, args.by);
  },
  pause: (run) => stillRunning(run) ?? (run.paused ? 'already paused' : undefined),
  resume: (run) => stillRunning(run) ?? (run.paused ? undefined : 'not paused'),
  abort: (run) => stillRunning(run) ?? (run.abortedBy ? `already aborted by ${run.abortedBy.by}` : undefined),
  skip: (run, args) => {
    const problem = stillRunning(run);
    if (problem) return problem;
    if (!args.stepId) return 'skip needs stepId';
    if (run.decisions.has(args.stepId) || run.running.has(args.stepId)) return undefined;
    if ([...run.running.keys()].some((p) => p.endsWith(`.${args.stepId}`) || p === args.stepId)) return undefined;
    if (!run.allStepIds().has(args.stepId)) return `no step ${args.stepId} in this runbook`;
    const record = run.records.get(args.stepId);
    if (record && record.status !== 'pending') return `step ${args.stepId} is already ${record.status}`;
    return undefined;
  },
  retry: (run, args) => {
    const problem = stillRunning(run);
    if (problem) return problem;
    const waiting = [...run.decisions.keys()];
    if (!args.stepId)
      return waiting.length === 1
        ? undefined
        : `retry needs stepId${waiting.length ? ` (waiting: ${waiting.join(', ')})` : '; no step is waiting for a decision'}`;
    return run.decisions.has(args.stepId)
      ? undefined
      : `step ${args.stepId} is not a failed step waiting for a decision${waiting.length ? ` (waiting: ${waiting.join(', ')})` : ''}`;
  },
  promote: (run, args) => {
    const problem = stillRunning(run);
    if (problem || args.full) return problem;
    if ([...run.pauses.values()].some((endOn) => endOn.includes('promote')) || run.inconclusive.size > 0) return undefined;
    return 'nothing to promote: no pause or inconclusive analysis is waiting; pass full to promote to the end';
  },
  forceCheck: (run) => stillRunning(run),
  emergencyStop: (run) => stillRunning(run) ?? (run.abortedBy ? `already stopped by ${run.abortedBy.by}` : undefined),
  forceFailover: (run, args) =>
    stillRunning(run) ?? (typeof args.target === 'string' && args.target.trim() !== '' ? undefined : 'forceFailover needs "target": the region to promote'),
  holdFailover: (run) => stillRunning(run),
  releaseHold: (run) => stillRunning(run),
  failback: (run) => stillRunning(run),
  skipStrategy: (run, args) =>
    stillRunning(run) ??
    (typeof args.strategy === 'string' && args.strategy.trim() !== '' ? undefined : 'skipStrategy needs "strategy": the recovery strategy to leave out'),
};

const applies: Record<OverrideName, Apply> = {
  approve: (run, args) => {
    const wait = targetApproval(run, args) as ApprovalWait;
    wait.approvals.push({ by: args.by, ...(args.reason ? { reason: args.reason } : {}), at: new Date().toISOString() });
    run.refresh();
    return `approval ${wait.approvals.length}/${wait.minApprovals} for ${wait.path} recorded`;
  },
  reject: (run, args) => {
    const wait = targetApproval(run, args) as ApprovalWait;
    wait.rejectedBy = { by: args.by, ...(args.reason ? { reason: args.reason } : {}) };
    return `${wait.path} rejected`;
  },
  pause: (run) => {
    run.paused = true;
    run.refresh();
    return 'pausing at the next step boundary';
  },
  resume: (run) => {
    run.paused = false;
    run.refresh();
    return 'resumed';
  },
  abort: (run, args) => {
    run.abortedBy = { by: args.by, ...(args.reason ? { reason: args.reason } : {}) };
    run.paused = false;
    run.mainScope?.cancel();
    return 'aborting; onFailure compensation will run';
  },
  skip: (run, args) => {
    const id = args.stepId!;
    if (run.decisions.has(id)) {
      run.decisions.set(id, 'skip');
      return `skipping failed step ${id}`;
    }
    const running = [...run.running].filter(([p]) => p === id || p.endsWith(`.${id}`));
    for (const [, entry] of running) {
      entry.skippedBy = args.by;
      entry.scope.cancel();
    }
    if (running.length) return `skipping running step ${id}`;
    run.skipRequests.set(id, args.by);
    return `step ${id} will be skipped when reached`;
  },
  retry: (run, args) => {
    const id = args.stepId ?? [...run.decisions.keys()][0];
    run.decisions.set(id, 'retry');
    return `retrying step ${id}`;
  },
  // Domain overrides are in the override log, which is what waiting steps watch ($run.signals).
  promote: (run, args) => {
    for (const path of run.inconclusive) run.decisions.set(path, 'promote');
    if (args.full) return 'promoting to the end: remaining canary steps are skipped';
    return run.inconclusive.size > 0 ? 'inconclusive analysis accepted; promoting' : 'pause ended; promoting to the next step';
  },
  forceCheck: () => 'checking now',
  emergencyStop: (run, args) => {
    run.abortedBy = { by: args.by, ...(args.reason ? { reason: args.reason } : {}), emergency: true };
    run.paused = false;
    run.mainScope?.cancel();
    return 'emergency stop: steps cancelled; rollbacks run now';
  },
  forceFailover: (_run, args) => `failover to ${args.target} forced`,
  holdFailover: () => 'automatic failover on hold until releaseHold',
  releaseHold: () => 'hold released',
  failback: () => 'failback requested',
  skipStrategy: (_run, args) => `strategy ${args.strategy} will be skipped`,
};

function validate(name: OverrideName, run: RunContext, args: OverrideArgs): string | undefined {
  if (!args || typeof args !== 'object') return `${name} needs an object like {"by": "alice", "reason": "why"}`;
  if (typeof args.by !== 'string' || args.by.trim() === '') return `${name} needs "by": who is doing this`;
  if (args.reason !== undefined && typeof args.reason !== 'string') return '"reason" must be a string';
  if (args.stepId !== undefined && typeof args.stepId !== 'string') return '"stepId" must be a string';
  if (args.full !== undefined && typeof args.full !== 'boolean') return '"full" must be true or false';
  if (args.strategy !== undefined && typeof args.strategy !== 'string') return '"strategy" must be a string';
  if (args.target !== undefined && typeof args.target !== 'string') return '"target" must be a string';
  if (!run.loaded) return 'the runbook is still loading; try again in a moment';
  return checks[name](run, args);
}

export function installControls(run: RunContext): void {
  setHandler(stateQuery, () => run.snapshot());
  // The access policy (GENIE_POLICY) is consulted before any override applies; see authorize.ts.
  // Accepted nonces live in the override log, which continue-as-new carries: a signed request stays single-use across the hand-over.
  const gate = new OverrideGate((nonce) => run.overrides.some((o) => o.accepted && o.nonce === nonce));
  const target = () => (run.loaded ? { kind: run.definition.kind, name: run.definition.metadata.name } : undefined);
  for (const name of OVERRIDE_NAMES) {
    const record = (args: OverrideArgs, via: 'update' | 'signal', refusal?: string): void =>
      run.recordOverride({
        action: name,
        by: String(args?.by ?? ''),
        via,
        accepted: refusal === undefined,
        ...(args?.reason ? { reason: args.reason } : {}),
        ...(args?.stepId ? { stepId: args.stepId } : {}),
        ...(refusal ? { refusal } : {}),
        ...(typeof args?.full === 'boolean' ? { full: args.full } : {}),
        ...(typeof args?.strategy === 'string' ? { strategy: args.strategy } : {}),
        ...(typeof args?.target === 'string' ? { target: args.target } : {}),
        ...(typeof args?.auth?.nonce === 'string' ? { nonce: args.auth.nonce } : {}),
      });
    setHandler(
      overrideUpdates[name],
      (args) =>
        gate.update(
          name,
          target,
          args,
          () => {
            record(args, 'update');
            return { accepted: true as const, message: applies[name](run, args) };
          },
          (why) => record(args, 'update', why),
          () => validate(name, run, args),
        ),
      {
        validator: (args) => {
          const problem = validate(name, run, args);
          if (problem) throw new Error(problem);
        },
      },
    );
    setHandler(overrideSignals[name], (args) =>
      gate.signal(
        name,
        target,
        args,
        () => {
          const problem = validate(name, run, args);
          record(args, 'signal', problem);
          if (!problem) applies[name](run, args);
        },
        (why) => record(args, 'signal', why),
      ),
    );
  }
}
