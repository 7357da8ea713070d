/**
 * The contract between the `runbook` workflow and everyone who talks to it (CLI, client,
 * UI, tests): input, result, the `state` query and the operator overrides. Pure: the
 * client imports this file too.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ResolvedRunbook, Runbook, StepKind } from '../src/dsl/types';
import { DOMAIN_SIGNALS, type DomainSignal } from '../src/dsl/step-kinds';
import type { OverrideAuth, StartAuth } from '../src/policy/types';

export const WORKFLOW_TYPE = 'runbook';
export const DEFAULT_TASK_QUEUE = 'genie';

export interface RunbookInput {
  /** A runbook name resolved from the worker's runbook directory, or an inline definition. */
  runbook: string | Runbook;
  params?: Record<string, unknown>;
  requestedBy?: string;
  /** The requester's signature over this start (`genie run --key`), checked against the access policy. */
  auth?: StartAuth;
  /** Set only by continue-as-new: where the previous run stopped. */
  continued?: Continuation;
}

/** The access policy's answer on a start, recorded with the pinned runbook. */
export interface StartOutcome {
  /** False when the worker has no access policy (GENIE_POLICY unset): nothing is authorized. */
  policy: boolean;
  /** Who the run records as requester: the verified signer, or the given name marked unverified. */
  requestedBy?: string;
  verified?: boolean;
  /** `ignored`: the policy says an unsigned start is nobody's own run, for separation of duties (start.unverifiedRequester). */
  unverifiedRequester?: 'ignored';
  /** Why the start was refused; the run then ends `refused` without running a step. */
  refusal?: string;
}

export type RunStatus = 'succeeded' | 'failed' | 'aborted' | 'rolled_back' | 'refused';
export type LiveStatus = 'loading' | 'running' | 'paused' | 'waiting_approval' | 'waiting_decision' | 'compensating' | RunStatus;
export type StepStatus = 'pending' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

export interface StepError {
  code: string;
  message: string;
  details?: unknown;
}

export interface StepRecord {
  /** Path of the step: its id, with the enclosing loop iteration for nested steps (`hosts[2].probe`). */
  id: string;
  stepId: string;
  name?: string;
  kind: StepKind;
  status: StepStatus;
  attempts: number;
  startedAt?: string;
  endedAt?: string;
  output?: unknown;
  error?: StepError;
  /** Why it is waiting or was skipped, in words. */
  note?: string;
}

export interface RunbookResult {
  status: RunStatus;
  outputs: Record<string, unknown>;
  steps: StepRecord[];
  error?: StepError & { stepId?: string };
  runbook: RunbookIdentity;
  /** Every operator override, accepted or refused, with who and why. */
  overrides: OverrideRecord[];
  requestedBy: string;
  startedAt: string;
}

export interface RunbookIdentity {
  name: string;
  version: string;
  kind: string;
  sha256: string;
  source: string;
}

export interface OverrideRecord {
  action: OverrideName;
  by: string;
  reason?: string;
  stepId?: string;
  at: string;
  accepted: boolean;
  /** Why it was refused, when it was. */
  refusal?: string;
  via: 'update' | 'signal';
  /** promote --full. */
  full?: boolean;
  /** skipStrategy: which recovery strategy. */
  strategy?: string;
  /** forceFailover: which region. */
  target?: string;
  /** The signed request's nonce (access policy): single use, also after continue-as-new. */
  nonce?: string;
}

export interface PendingApproval {
  stepId: string;
  message?: string;
  approvers: string[];
  minApprovals: number;
  approvals: { by: string; reason?: string; at: string }[];
  deadline?: string;
}

export interface RunState {
  runbook?: RunbookIdentity;
  status: LiveStatus;
  paused: boolean;
  requestedBy: string;
  startedAt: string;
  params: Record<string, unknown>;
  steps: StepRecord[];
  pendingApprovals: PendingApproval[];
  awaitingDecision: string[];
  overrides: OverrideRecord[];
  /** Refused overrides no longer in `overrides` (it keeps the newest 100 refused); every one is in the run's history. */
  overridesDropped?: number;
  error?: StepError & { stepId?: string };
  /** Whether the worker enforces an access policy on overrides (GENIE_POLICY); absent when unknown (older runs). */
  accessPolicy?: boolean;
}

/** What every override carries: who, and why. */
export interface OverrideArgs {
  by: string;
  reason?: string;
  /** The step it applies to; optional where only one step can be meant. */
  stepId?: string;
  /** promote: skip all remaining canary steps, not just the current pause. */
  full?: boolean;
  /** skipStrategy: the recovery strategy to leave out. */
  strategy?: string;
  /** forceFailover: the region to promote. */
  target?: string;
  /** The signer's signature over this request, when an access policy (GENIE_POLICY) is enforced: `genie <override> --key`. */
  auth?: OverrideAuth;
}

export interface OverrideAck {
  accepted: true;
  message: string;
}

export type OverrideName = 'approve' | 'reject' | 'pause' | 'resume' | 'abort' | 'skip' | 'retry' | DomainSignal;
export const OVERRIDE_NAMES: OverrideName[] = ['approve', 'reject', 'pause', 'resume', 'abort', 'skip', 'retry', ...DOMAIN_SIGNALS];

/** An accepted domain override, as expressions see it in $run.signals.<name>. */
export interface SignalEntry {
  by: string;
  reason?: string;
  at: string;
  full?: boolean;
  strategy?: string;
  target?: string;
}

export const stateQuery = defineQuery<RunState>('state');

/** Each override exists as an update (validated, answer visible to the caller) and as a signal (for the UI and `temporal workflow signal`). */
export const overrideUpdates = Object.fromEntries(OVERRIDE_NAMES.map((name) => [name, defineUpdate<OverrideAck, [OverrideArgs]>(name)])) as Record<
  OverrideName,
  ReturnType<typeof defineUpdate<OverrideAck, [OverrideArgs]>>
>;
export const overrideSignals = Object.fromEntries(OVERRIDE_NAMES.map((name) => [name, defineSignal<[OverrideArgs]>(name)])) as Record<
  OverrideName,
  ReturnType<typeof defineSignal<[OverrideArgs]>>
>;

/** What continue-as-new carries into the next run so nothing is lost or repeated. */
export interface Continuation {
  loaded: LoadedRunbook;
  requestedBy: string;
  startedAt: string;
  /** Index of the top-level step to resume at, and the attempt of an `until` loop there. */
  nextStep: number;
  untilAttempt?: number;
  views: Record<string, StepView>;
  records: StepRecord[];
  overrides: OverrideRecord[];
  paused: boolean;
}

/** What expressions see as $steps.<id>. */
export interface StepView {
  status: StepStatus;
  output?: unknown;
  error?: StepError;
}

/** What the load activity returns: the pinned definition and the checked parameters. */
export interface LoadedRunbook {
  resolved: ResolvedRunbook;
  params: Record<string, unknown>;
  secretParams: string[];
  /** History length after which a long run continues as new (worker setting). */
  continueAsNewAfterEvents: number;
  /** False when the worker's namespace lacks Genie's search attributes (GENIE_SEARCH_ATTRIBUTES=off). */
  searchAttributes: boolean;
  /** The start rules' answer (fresh top-level starts only). */
  start?: StartOutcome;
  /** Whether the worker that loaded the run enforces an access policy (absent in runs recorded before this was kept). */
  accessPolicy?: boolean;
}
