/**
 * The one action registry: every `action:` a runbook may name. The worker registers each
 * implementation as an activity under the action's name; the validator checks steps
 * against the argument schemas here.
 */
import type { ActionCatalog, ActionDefinition } from './action';
import * as breaker from './breaker';
import * as command from './command';
import * as health from './health';
import * as http from './http';
import * as metrics from './metrics';
import * as notify from './notify';
import * as predict from './predict';
import * as traffic from './traffic';
import * as util from './util';

const definitions: ActionDefinition<any, any>[] = [
  util.echo, util.fail, util.journal,
  http.request, health.system, health.http, health.tcp, health.process, health.command, command.run, notify.webhook,
  breaker.force,
  traffic.get, traffic.setWeights, traffic.mirror, traffic.metrics, traffic.shadowPairs,
  predict.score, predict.timeToThreshold, metrics.sample,
];

export const actions: ReadonlyMap<string, ActionDefinition<any, any>> = new Map(definitions.map((d) => [d.name, d]));

export const actionCatalog: ActionCatalog = actions;

/** Implementations keyed by activity type, as Worker.create wants them. */
export function activityImplementations(): Record<string, (args: any) => Promise<unknown>> {
  return Object.fromEntries([...actions].map(([name, d]) => [name, d.run]));
}
