/**
 * The contract of the `breakers` entity workflow: one long-running workflow per Genie
 * deployment (task queue) that holds the operators' circuit-breaker overrides. Its history is
 * the record of who forced which breaker, when and why; workers poll its `overrides` query and
 * apply what it says. Pure: the CLI, the worker and the breaker.force action import this file.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { DEFAULT_TASK_QUEUE } from './api';
import type { OverrideAuth } from '../src/policy/types';

export const BREAKERS_WORKFLOW_TYPE = 'breakers';

/** `genie-breakers` for the default task queue; deployments on other queues get their own. */
export function breakersWorkflowId(taskQueue: string): string {
  return taskQueue === DEFAULT_TASK_QUEUE ? 'genie-breakers' : `genie-breakers-${taskQueue}`;
}

/** What an operator can force a breaker to. */
export type ForcedBreakerState = 'open' | 'closed' | 'disabled';
export const FORCED_BREAKER_STATES: readonly ForcedBreakerState[] = ['open', 'closed', 'disabled'];

/**
 * A breaker name: an http(s) origin (`https://api.example.com`, `http://10.0.0.5:8080` —
 * scheme and host lowercase, no path, no default port) or a simple name (`router-admin`).
 * Callers normalise URLs to origins first (src/resilience/names.ts); the workflow checks the shape.
 */
export const BREAKER_NAME_PATTERN = /^(https?:\/\/[a-z0-9.\-[\]:]+|[a-z0-9][a-z0-9_-]{0,63})$/;
export const MAX_BREAKER_NAME = 256;

export interface BreakerOverride {
  state: ForcedBreakerState;
  by: string;
  reason: string;
  /** ISO time (workflow time) the override was made. */
  at: string;
}

export interface ForceBreakerArgs {
  name: string;
  state: ForcedBreakerState;
  by: string;
  /** Required: forcing a breaker changes every worker's traffic to a destination. */
  reason: string;
  /** Signature under the access policy (action `breaker.force`): `genie breaker ... --key`. */
  auth?: OverrideAuth;
}

export interface ResetBreakerArgs {
  name: string;
  by: string;
  reason?: string;
  auth?: OverrideAuth;
}

/** One accepted or refused request, as the query's recent log shows it (history keeps them all). */
export interface BreakerChange {
  action: 'force' | 'reset';
  name: string;
  state?: ForcedBreakerState;
  by: string;
  reason?: string;
  at: string;
  via: 'update' | 'signal';
  accepted: boolean;
  refusal?: string;
}

export interface BreakerOverridesView {
  /** Bumped by every change; workers re-apply only when it (or `chain`) moves. */
  version: number;
  /** The first run id of this workflow's continue-as-new chain: a restarted workflow counts versions afresh. */
  chain?: string;
  overrides: Record<string, BreakerOverride>;
  /** The last RECENT_CHANGES requests, newest last. */
  recent: BreakerChange[];
}

export const RECENT_CHANGES = 50;

export interface BreakersInput {
  /** History length after which the workflow continues as new (default 2000 events). */
  continueAsNewAfterEvents?: number;
  /** Set only by continue-as-new. */
  carried?: BreakerOverridesView;
  /**
   * Set only by continue-as-new: nonces of signed requests accepted by earlier runs of the
   * chain (newest last, at most CARRIED_NONCES). Signatures are bound to the chain's first run
   * id, which continue-as-new keeps, so without these a request could be replayed into the next run.
   */
  acceptedNonces?: string[];
}

/** Accepted nonces carried across continue-as-new: far more than the requests one run holds before it continues. */
export const CARRIED_NONCES = 5_000;

export interface BreakerAck {
  accepted: true;
  /** False when the request changed nothing (already forced the same way, or nothing to reset). */
  changed: boolean;
  version: number;
  message: string;
}

export const overridesQuery = defineQuery<BreakerOverridesView>('overrides');
export const forceBreakerUpdate = defineUpdate<BreakerAck, [ForceBreakerArgs]>('force');
export const resetBreakerUpdate = defineUpdate<BreakerAck, [ResetBreakerArgs]>('reset');
/** The same requests as signals, for the UI's signal form and `temporal workflow signal`; refusals land in `recent`. */
export const forceBreakerSignal = defineSignal<[ForceBreakerArgs]>('force');
export const resetBreakerSignal = defineSignal<[ResetBreakerArgs]>('reset');
