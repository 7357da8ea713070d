/**
 * The shape every registered action has: a name a runbook step uses (`http.request`), an
 * argument schema checked when the runbook is validated (never a run-time surprise), the
 * default timeout and retry policy, and the implementation that runs as a Temporal activity.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { ActionDefaults } from '../src/dsl/types';

export interface ActionDefinition<A extends TSchema = TSchema, R = unknown> {
  /** `<domain>.<verb>`; also the Temporal activity type name. */
  name: string;
  description: string;
  args: A;
  defaults: ActionDefaults;
  run: (args: Static<A>) => Promise<R>;
}

export function defineAction<A extends TSchema, R>(definition: ActionDefinition<A, R>): ActionDefinition<A, R> {
  return definition;
}

/** What the validator needs to know about actions, without their implementations. */
export type ActionCatalog = ReadonlyMap<string, { args: TSchema; defaults: ActionDefaults; description: string }>;
