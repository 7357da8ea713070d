/** Where a step runs: its path prefix, the $steps it can see, and loop variables. */
import type { Step } from '../src/dsl/types';
import type { StepRecord, StepView } from './api';
import type { Bindings, Evaluator } from './evaluate';
import type { RunContext } from './run-state';

export interface Scope {
  /** Prefix of record paths: '' at top level, 'hosts[2].' inside a forEach iteration. */
  prefix: string;
  views: Record<string, StepView>;
  vars: Record<string, unknown>;
  /** Index of the enclosing top-level step, when this scope is the top level (continue-as-new points). */
  topIndex?: number;
}

export interface StepContext {
  run: RunContext;
  evaluator: Evaluator;
  scope: Scope;
  path: string;
  record: StepRecord;
  runSequence(steps: Step[], scope: Scope): Promise<void>;
  bindings(scope?: Scope): Bindings;
}

export function childScope(parent: Scope, prefix: string, vars: Record<string, unknown>, isolated: boolean): Scope {
  return { prefix, views: isolated ? { ...parent.views } : parent.views, vars: { ...parent.vars, ...vars } };
}
