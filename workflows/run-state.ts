/**
 * Everything a run knows about itself: step records (the `state` query), the values
 * expressions see as $steps, operator overrides, and what the UI shows. Changes to the
 * live status are mirrored to the RunbookStatus search attribute and the current details.
 */
import { CancellationScope, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { Runbook, Step } from '../src/dsl/types';
import { maskValues, secretTexts } from '../src/dsl/mask';
import { DOMAIN_SIGNALS, childSequences, stepKind, type DomainSignal } from '../src/dsl/step-kinds';
import type {
  LiveStatus,
  LoadedRunbook,
  OverrideRecord,
  PendingApproval,
  RunbookIdentity,
  RunState,
  SignalEntry,
  StepError,
  StepRecord,
  StepStatus,
  StepView,
} from './api';
import { appendBounded } from './override-log';
import { renderDetails } from './details';
import { RunbookStatus } from './search-attributes';

export interface ApprovalWait extends PendingApproval {
  path: string;
  eligible: string[] | undefined;
  separationOfDuties: boolean;
  rejectedBy?: { by: string; reason?: string };
}

/** An operator's answer to a step waiting for one: a failed step (retry/skip), an inconclusive analysis (also promote). */
export type Decision = 'retry' | 'skip' | 'promote';

export class RunContext {
  identity?: RunbookIdentity;
  loaded!: LoadedRunbook;
  status: LiveStatus = 'loading';
  paused = false;
  readonly records = new Map<string, StepRecord>();
  readonly views: Record<string, StepView> = {};
  readonly overrides: OverrideRecord[] = [];
  /** Refused overrides dropped from the bounded log (override-log.ts); each is still in history. */
  overridesDropped = 0;
  readonly approvals = new Map<string, ApprovalWait>();
  readonly decisions = new Map<string, Decision | undefined>();
  /** Scopes of running steps by path, so `skip` can cancel one. */
  readonly running = new Map<string, { scope: CancellationScope; skippedBy?: string }>();
  readonly skipRequests = new Map<string, string>();
  /** Pause steps now waiting, by path, with the overrides that end them. */
  readonly pauses = new Map<string, readonly DomainSignal[]>();
  /** Alert notifications delivered to this run (workflows/alerts.ts): $run.alerts. */
  readonly alerts: unknown[] = [];
  /** Analyses whose verdict was inconclusive and that wait for promote, retry, skip or abort. */
  readonly inconclusive = new Set<string>();
  /** Who stopped the run: abort, or emergencyStop (emergency: true). */
  abortedBy?: { by: string; reason?: string; emergency?: boolean };
  mainScope?: CancellationScope;
  error?: StepError & { stepId?: string };
  private lastPublishedStatus?: LiveStatus;

  // requestedBy: replaced by the verified signer (or marked unverified) once the start rules have answered.
  constructor(
    public requestedBy: string,
    readonly startedAt: string,
  ) {}

  get definition(): Runbook {
    return this.loaded.resolved.definition;
  }

  /** Every step id in the document, for validating overrides that name one. */
  allStepIds(): Set<string> {
    const ids = new Set<string>();
    const visit = (steps: Step[] | undefined): void => {
      for (const s of steps ?? []) {
        ids.add(s.id);
        for (const seq of childSequences(s)) visit(seq);
      }
    };
    visit(this.definition.steps);
    visit(this.definition.onFailure);
    visit(this.definition.finally);
    return ids;
  }

  begin(path: string, step: Step): StepRecord {
    const record: StepRecord = { id: path, stepId: step.id, kind: stepKind(step), status: 'pending', attempts: 0 };
    if (step.name) record.name = step.name;
    this.records.delete(path); // a repeated loop body moves to the end, in run order
    this.records.set(path, record);
    return record;
  }

  update(record: StepRecord, change: Partial<StepRecord>): void {
    Object.assign(record, change);
    if (change.status && change.status !== 'waiting') delete record.note;
    if (change.note) record.note = change.note;
    this.refresh();
  }

  finish(record: StepRecord, status: StepStatus, views: Record<string, StepView>, result: { output?: unknown; error?: StepError; note?: string } = {}): void {
    record.status = status;
    record.endedAt = new Date().toISOString();
    if (result.output !== undefined) record.output = result.output;
    if (result.error) record.error = result.error;
    if (result.note) record.note = result.note;
    else delete record.note;
    views[record.stepId] = { status, output: result.output ?? null, ...(result.error ? { error: result.error } : {}) };
    this.refresh();
  }

  setStatus(status: LiveStatus): void {
    this.status = status;
    this.refresh();
  }

  /** The status shown while steps run: waiting states outrank running. */
  private liveStatus(): LiveStatus {
    if (this.status !== 'running') return this.status;
    if (this.paused) return 'paused';
    if ([...this.decisions.values()].some((d) => d === undefined)) return 'waiting_decision';
    if (this.approvals.size > 0) return 'waiting_approval';
    return 'running';
  }

  refresh(): void {
    const live = this.liveStatus();
    if (live !== this.lastPublishedStatus) {
      this.lastPublishedStatus = live;
      this.upsert([{ key: RunbookStatus, value: live }]);
    }
    setCurrentDetails(renderDetails(this.identity, live, this.visibleRecords(), [...this.approvals.values()]));
  }

  /** Search attributes, unless the worker found them unregistered on its namespace (an upsert would then fail every task). */
  upsert(pairs: SearchAttributeUpdatePair[]): void {
    if (this.loaded?.searchAttributes !== false) upsertSearchAttributes(pairs);
  }

  recordOverride(entry: Omit<OverrideRecord, 'at'>): void {
    this.overridesDropped += appendBounded(this.overrides, { ...entry, at: new Date().toISOString() });
  }

  /**
   * Accepted domain overrides by name: $run.signals in expressions. Derived from the override
   * log, which continue-as-new carries, so nothing else needs to survive a hand-over.
   */
  signals(): Record<DomainSignal, SignalEntry[]> {
    const out = Object.fromEntries(DOMAIN_SIGNALS.map((name) => [name, [] as SignalEntry[]])) as Record<DomainSignal, SignalEntry[]>;
    for (const o of this.overrides) {
      if (!o.accepted || !(o.action in out)) continue;
      out[o.action as DomainSignal].push({
        by: o.by,
        at: o.at,
        ...(o.reason ? { reason: o.reason } : {}),
        ...(o.full !== undefined ? { full: o.full } : {}),
        ...(o.strategy ? { strategy: o.strategy } : {}),
        ...(o.target ? { target: o.target } : {}),
      });
    }
    return out;
  }

  /** How many of these overrides were accepted so far: a wait ends when the count grows. */
  signalCount(names: readonly DomainSignal[]): number {
    return this.overrides.filter((o) => o.accepted && (names as readonly string[]).includes(o.action)).length;
  }

  /** Secret parameter values, wherever steps copied them: never in the state, the UI table or the result. */
  secrets(): string[] {
    return this.loaded ? secretTexts(this.loaded.params, this.loaded.secretParams) : [];
  }

  /** Step records as shown outside the workflow (query, UI, result). */
  visibleRecords(): StepRecord[] {
    return maskValues([...this.records.values()], this.secrets());
  }

  snapshot(): RunState {
    return maskValues(
      {
        runbook: this.identity,
        status: this.liveStatus(),
        paused: this.paused,
        requestedBy: this.requestedBy,
        startedAt: this.startedAt,
        params: this.loaded ? maskSecrets(this.loaded.params, this.loaded.secretParams) : {},
        steps: [...this.records.values()],
        pendingApprovals: [...this.approvals.values()].map(({ path: _p, eligible: _e, separationOfDuties: _s, rejectedBy: _r, ...pending }) => pending),
        awaitingDecision: [...this.decisions].filter(([, d]) => d === undefined).map(([path]) => path),
        overrides: this.overrides,
        ...(this.overridesDropped ? { overridesDropped: this.overridesDropped } : {}),
        ...(this.error ? { error: this.error } : {}),
        ...(this.loaded?.accessPolicy !== undefined ? { accessPolicy: this.loaded.accessPolicy } : {}),
      },
      this.secrets(),
    );
  }

  workflowId(): string {
    return workflowInfo().workflowId;
  }
}

export function maskSecrets(params: Record<string, unknown>, secret: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, secret.includes(k) ? '***' : v]));
}
