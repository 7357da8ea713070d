/**
 * The interpreter's core: runs a sequence of steps, and one step with its guard, deadline,
 * skip, and onError policy (fail, continue, wait for an operator, or jump to a handler).
 */
import { CancellationScope, ContinueAsNew, condition, isCancellation, sleep } from '@temporalio/workflow';
import type { Step, StepKind } from '../src/dsl/types';
import type { StepError } from './api';
import { JumpToHandler, StepFailed, runbookError, toStepError } from './errors';
import type { Evaluator, Bindings } from './evaluate';
import type { RunContext } from './run-state';
import type { Scope, StepContext } from './scope';
import { takeDecision, waitForDecision } from './steps/decision';
import type { BackgroundControl, RunnerCall, StepRunner } from './steps/runner';
import { runnerFor } from './steps/runners';

function isBackground(step: Step): boolean {
  return runnerFor(step).background?.(step) === true;
}

/** Called between top-level steps and loop iterations: the points where a long run may continue as new. */
export type Checkpoint = (nextStep: number, untilAttempt?: number) => Promise<void>;

export class Interpreter {
  constructor(
    readonly run: RunContext,
    readonly evaluator: Evaluator,
    private readonly checkpoint?: Checkpoint,
  ) {}

  bindings(scope: Scope): Bindings {
    return {
      params: this.run.loaded.params,
      steps: scope.views,
      run: {
        id: this.run.workflowId(),
        name: this.run.identity?.name,
        version: this.run.identity?.version,
        startedAt: this.run.startedAt,
        requestedBy: this.run.requestedBy,
        signals: this.run.signals(),
        alerts: this.run.alerts,
      },
      ...scope.vars,
    };
  }

  /** Runs steps in order from `from`; `onError: <handler>` continues at that later step. */
  async runSequence(steps: Step[], scope: Scope, from = 0, untilAttempt?: number): Promise<void> {
    if (!steps.some(isBackground)) return this.runSteps(steps, scope, from, untilAttempt);
    return this.runWithBackground(steps, scope, from, untilAttempt);
  }

  private async runSteps(
    steps: Step[],
    scope: Scope,
    from: number,
    untilAttempt: number | undefined,
    startBackground?: (step: Step, scope: Scope) => void,
  ): Promise<void> {
    for (let i = from; i < steps.length; i++) {
      const topLevel = scope.topIndex !== undefined;
      if (topLevel && this.checkpoint && i > from) await this.checkpoint(i);
      await this.waitWhilePaused();
      const stepScope = topLevel ? { ...scope, topIndex: i } : scope;
      if (startBackground && isBackground(steps[i])) {
        startBackground(steps[i], stepScope);
        continue;
      }
      try {
        await this.runStep(steps[i], stepScope, i === from ? untilAttempt : undefined);
      } catch (err) {
        if (!(err instanceof JumpToHandler)) throw err;
        const target = steps.findIndex((s, j) => j > i && s.id === err.target);
        if (target < 0) throw runbookError('HANDLER_NOT_FOUND', `onError handler ${err.target} of ${err.from} is not a later step of the same sequence`);
        for (const skipped of steps.slice(i + 1, target)) {
          const record = this.run.begin(scope.prefix + skipped.id, skipped);
          this.run.finish(record, 'skipped', scope.views, { note: `skipped: ${err.from} failed, continuing at ${err.target}` });
        }
        i = target - 1;
      }
    }
  }

  /**
   * A background analysis watches the steps after it in the same list: they run in a scope the
   * analysis cancels the moment it fails (the analysis failure is then the sequence's failure).
   * When they finish, the analysis is told to stop and reports what it saw.
   */
  private async runWithBackground(steps: Step[], scope: Scope, from: number, untilAttempt: number | undefined): Promise<void> {
    const watched = new CancellationScope();
    const running: { control: BackgroundControl; done: Promise<void>; scope: CancellationScope }[] = [];
    let failure: unknown;
    const startBackground = (step: Step, stepScope: Scope): void => {
      const control: BackgroundControl = { stopped: false };
      const own = new CancellationScope();
      const done = own
        .run(() => this.runStep(step, stepScope, undefined, control))
        .catch((err) => {
          if (failure === undefined && !(isCancellation(err) && control.stopped)) {
            failure = err;
            watched.cancel();
          }
        });
      running.push({ control, done, scope: own });
    };
    try {
      await watched.run(() => this.runSteps(steps, scope, from, untilAttempt, startBackground));
    } catch (err) {
      if (failure === undefined) failure = err;
    }
    for (const bg of running) {
      bg.control.stopped = true;
      if (failure !== undefined) bg.scope.cancel();
    }
    await Promise.all(running.map((bg) => bg.done));
    if (failure !== undefined) throw failure;
  }

  private async waitWhilePaused(): Promise<void> {
    if (!this.run.paused) return;
    this.run.refresh();
    await condition(() => !this.run.paused);
    this.run.refresh();
  }

  async runStep(step: Step, scope: Scope, untilAttempt?: number, background?: BackgroundControl): Promise<void> {
    const path = scope.prefix + step.id;
    const record = this.run.begin(path, step);
    const skipBy = this.run.skipRequests.get(step.id) ?? this.run.skipRequests.get(path);
    if (skipBy !== undefined) {
      this.run.skipRequests.delete(step.id);
      this.run.skipRequests.delete(path);
      return this.run.finish(record, 'skipped', scope.views, { note: `skipped by ${skipBy}` });
    }
    const runner = runnerFor(step);
    if (step.if !== undefined && !runner.ownsIf && !(await this.evaluator.truthy(step.if, this.bindings(scope)))) {
      return this.run.finish(record, 'skipped', scope.views, { note: 'condition false' });
    }
    const ctx: StepContext = {
      run: this.run,
      evaluator: this.evaluator,
      scope,
      path,
      record,
      runSequence: (steps, s) => this.runSequence(steps, s),
      bindings: (s) => this.bindings(s ?? scope),
    };
    for (;;) {
      this.run.update(record, { status: 'running', startedAt: record.startedAt ?? new Date().toISOString(), attempts: record.attempts + 1 });
      const stepScope = new CancellationScope();
      const entry: { scope: CancellationScope; skippedBy?: string } = { scope: stepScope };
      this.run.running.set(path, entry);
      try {
        const output = await stepScope.run(() =>
          this.withDeadline(step, runner, scope, stepScope, () => this.execute(step, runner, ctx, scope, untilAttempt, background)),
        );
        return this.run.finish(record, 'succeeded', scope.views, { output });
      } catch (err) {
        if (err instanceof ContinueAsNew) throw err;
        if (entry.skippedBy !== undefined) return this.run.finish(record, 'skipped', scope.views, { note: `skipped by ${entry.skippedBy} while running` });
        if (isCancellation(err)) {
          // Cancelled from above (abort, failFast, an enclosing timeout): not this step's failure.
          this.run.finish(record, 'cancelled', scope.views, { note: 'cancelled' });
          throw err;
        }
        const error = toStepError(err);
        const policy = step.onError ?? this.run.definition.defaults?.onError ?? 'fail';
        if (policy === 'wait') {
          if ((await this.awaitDecision(record, path, error)) === 'retry') continue;
          return this.run.finish(record, 'skipped', scope.views, { error, note: 'failed; skipped by an operator' });
        }
        this.run.finish(record, 'failed', scope.views, { error });
        if (policy === 'continue') return;
        if (policy === 'fail') throw new StepFailed(path, error);
        throw new JumpToHandler(policy, path);
      } finally {
        this.run.running.delete(path);
      }
    }
  }

  private async execute(
    step: Step,
    runner: StepRunner<StepKind>,
    ctx: StepContext,
    scope: Scope,
    untilAttempt?: number,
    background?: BackgroundControl,
  ): Promise<unknown> {
    const call: RunnerCall = { resumeAttempt: untilAttempt, background };
    if (runner.checkpoints) {
      const topIndex = scope.topIndex;
      const checkpoint = this.checkpoint;
      if (topIndex !== undefined && checkpoint) call.checkpoint = (attempt: number) => checkpoint(topIndex, attempt);
    }
    return runner.run(step, ctx, call);
  }

  /** A `timeout` on a composite step bounds all of it; runners that own their deadline (actions: Temporal's activity timeouts) bound their own. */
  private async withDeadline<T>(step: Step, runner: StepRunner<StepKind>, scope: Scope, stepScope: CancellationScope, fn: () => Promise<T>): Promise<T> {
    if (!step.timeout || runner.ownsDeadline) return fn();
    const ms = await this.evaluator.durationMs(step.timeout, this.bindings(scope));
    let timedOut = false;
    const timerScope = new CancellationScope();
    const timer = timerScope
      .run(() => sleep(ms))
      .then(
        () => {
          timedOut = true;
          stepScope.cancel();
        },
        () => undefined,
      );
    try {
      return await fn();
    } catch (err) {
      if (timedOut) throw runbookError('STEP_TIMEOUT', `step ${step.id} did not finish within ${step.timeout}`);
      throw err;
    } finally {
      timerScope.cancel();
      await timer;
    }
  }

  private async awaitDecision(record: StepContext['record'], path: string, error: StepError): Promise<'retry' | 'skip'> {
    await waitForDecision(this.run, record, path, { error, note: `failed (${error.code}); waiting for an operator: retry, skip or abort` });
    const decision = takeDecision(this.run, path);
    delete record.error;
    return decision === 'retry' ? 'retry' : 'skip';
  }
}
