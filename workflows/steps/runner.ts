/**
 * What the interpreter knows about one step kind: how to run it, and the properties that make
 * the interpreter treat it differently. Each runner is declared beside its code in
 * workflows/steps/<kind>.ts; the table of all of them is runners.ts.
 */
import type { StepKind, StepOf } from '../../src/dsl/types';
import type { StepContext } from '../scope';

/** Where a background analysis learns that the steps it watched have finished. */
export interface BackgroundControl {
  stopped: boolean;
}

/** What the interpreter hands a runner beyond the step and its context. */
export interface RunnerCall {
  /** The attempt a continued-as-new run resumes this step at (set only for the step the run resumes in). */
  resumeAttempt?: number;
  /** For a runner that `checkpoints`, at the top level: may continue as new before `attempt`. */
  checkpoint?: (attempt: number) => Promise<void>;
  /** For a step started in the background: how it learns the steps it watches have finished. */
  background?: BackgroundControl;
}

export interface StepRunner<K extends StepKind> {
  /** A property, not a method, so a runner for another kind's step does not type-check (no bivariance). */
  readonly run: (step: StepOf<K>, ctx: StepContext, call: RunnerCall) => Promise<unknown>;
  /** The step's `timeout` is not a deadline timer around the runner: the runner bounds its own time. */
  readonly ownsDeadline?: true;
  /** The step's `if` is what the runner branches on, not a guard that skips the step. */
  readonly ownsIf?: true;
  /** The runner loops and may continue as new between iterations: it is given `checkpoint` at the top level. */
  readonly checkpoints?: true;
  /** Whether the step runs alongside the steps after it in its list, rather than before them. */
  readonly background?: (step: StepOf<K>) => boolean;
}

/** One runner per kind: a kind added to STEP_KINDS without a runner does not compile. */
export type RunnerTable = { readonly [K in StepKind]: StepRunner<K> };
