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
  /**
   * Optional checks a schema cannot express (an allowlist, a bound between two fields), run by
   * the validator on the literal `with:` arguments once they fit the schema; each issue becomes
   * a file:line:col error. Values that are expressions are only known at run time: skip them.
   */
  check?: (args: Record<string, unknown>) => ActionArgIssue[];
  /**
   * false: `secret://` in this action's arguments is never resolved, for actions that store
   * their arguments where the envelope's masks cannot reach (another workflow's history).
   */
  resolvesSecrets?: boolean;
  run: (args: Static<A>) => Promise<R>;
}

/** One problem an action's `check` finds: where under `with:` (path), what, and how to fix it. */
export interface ActionArgIssue {
  path: (string | number)[];
  message: string;
  hint: string;
}

export function defineAction<A extends TSchema, R>(definition: ActionDefinition<A, R>): ActionDefinition<A, R> {
  return definition;
}

/** What the validator needs to know about actions, without their implementations. */
export type ActionCatalog = ReadonlyMap<
  string,
  { args: TSchema; defaults: ActionDefaults; description: string; check?: (args: Record<string, unknown>) => ActionArgIssue[] }
>;
