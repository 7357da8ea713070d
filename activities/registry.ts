/**
 * The one action registry: every `action:` a runbook may name. The worker registers each
 * implementation as an activity under the action's name; the validator checks steps
 * against the argument schemas here.
 */
import type { ActionCatalog, ActionDefinition } from './action';
import * as analysis from './analysis';
import * as breaker from './breaker';
import * as chaos from './chaos';
import * as command from './command';
import * as deploy from './deploy';
import * as failover from './failover';
import * as failbackHealth from './failback-health';
import * as health from './health';
import * as healing from './healing';
import * as http from './http';
import * as incident from './incident';
import * as metrics from './metrics';
import * as notify from './notify';
import * as predict from './predict';
import * as process_ from './process';
import * as replication from './replication';
import * as shadow from './shadow';
import * as traffic from './traffic';
import * as util from './util';

const definitions: ActionDefinition<any, any>[] = [
  util.echo,
  util.fail,
  util.journal,
  http.request,
  health.system,
  health.http,
  health.tcp,
  health.process,
  health.command,
  command.run,
  notify.webhook,
  breaker.force,
  traffic.get,
  traffic.setWeights,
  traffic.mirror,
  traffic.metrics,
  traffic.shadowPairs,
  deploy.start,
  deploy.stop,
  process_.start,
  process_.stop,
  process_.restart,
  process_.status,
  analysis.measure,
  analysis.judge,
  shadow.compare,
  shadow.compareActions,
  predict.score,
  predict.timeToThreshold,
  metrics.sample,
  failover.monitor,
  failover.execute,
  failbackHealth.healthyFor,
  healing.configure,
  healing.watch,
  healing.plan,
  healing.cleanup,
  incident.timeline,
  incident.open,
  replication.status,
  replication.promote,
  replication.fence,
  replication.verify,
  replication.rejoin,
  replication.writable,
  chaos.probe,
  chaos.inject,
  chaos.remove,
  chaos.report,
];

export const actions: ReadonlyMap<string, ActionDefinition<any, any>> = new Map(definitions.map((d) => [d.name, d]));

export const actionCatalog: ActionCatalog = actions;
