/**
 * The Prometheus Alertmanager webhook payload (version 4), checked field by field: a
 * malformed notification is refused with the reason, never half-understood.
 * https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
 */
import { createHash } from 'node:crypto';
import { GenieError } from '../errors/genie-error';

export class AlertPayloadError extends GenieError {
  readonly code = 'ALERT_PAYLOAD';
}

export interface Alert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export interface AlertGroup {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: Alert[];
}

function fail(where: string, what: string): never {
  throw new AlertPayloadError(`${where}: ${what}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function labels(v: unknown, where: string, optional = false): Record<string, string> {
  if (v === undefined && optional) return {};
  if (!isRecord(v)) fail(where, 'must be an object of string values');
  for (const [k, val] of Object.entries(v)) if (typeof val !== 'string') fail(`${where}.${k}`, `must be a string, not ${typeof val}`);
  return v as Record<string, string>;
}

function text(v: unknown, where: string, optional = false): string {
  if (v === undefined && optional) return '';
  if (typeof v !== 'string') fail(where, v === undefined ? 'is missing' : `must be a string, not ${typeof v}`);
  return v;
}

function status(v: unknown, where: string): 'firing' | 'resolved' {
  if (v !== 'firing' && v !== 'resolved') fail(where, `must be "firing" or "resolved", not ${JSON.stringify(v)}`);
  return v;
}

export function parseAlertGroup(body: unknown): AlertGroup {
  if (!isRecord(body)) fail('payload', 'must be a JSON object (the Alertmanager webhook body)');
  if (body.version !== '4') fail('version', `must be "4" (Alertmanager webhook format version 4), not ${JSON.stringify(body.version)}`);
  const groupKey = text(body.groupKey, 'groupKey');
  if (groupKey === '') fail('groupKey', 'must not be empty: it is how notifications of one group find their incident');
  if (!Array.isArray(body.alerts) || body.alerts.length === 0) fail('alerts', 'must be a non-empty list');
  const alerts = body.alerts.map((a, i): Alert => {
    const where = `alerts[${i}]`;
    if (!isRecord(a)) fail(where, 'must be an object');
    return {
      status: status(a.status, `${where}.status`),
      labels: labels(a.labels, `${where}.labels`),
      annotations: labels(a.annotations, `${where}.annotations`, true),
      startsAt: text(a.startsAt, `${where}.startsAt`),
      endsAt: text(a.endsAt, `${where}.endsAt`, true),
      generatorURL: text(a.generatorURL, `${where}.generatorURL`, true),
      fingerprint: text(a.fingerprint, `${where}.fingerprint`, true),
    };
  });
  const truncated = body.truncatedAlerts ?? 0;
  if (typeof truncated !== 'number' || !Number.isInteger(truncated) || truncated < 0) fail('truncatedAlerts', 'must be a whole number ≥ 0');
  return {
    version: '4',
    groupKey,
    truncatedAlerts: truncated,
    status: status(body.status, 'status'),
    receiver: text(body.receiver, 'receiver'),
    groupLabels: labels(body.groupLabels, 'groupLabels', true),
    commonLabels: labels(body.commonLabels, 'commonLabels', true),
    commonAnnotations: labels(body.commonAnnotations, 'commonAnnotations', true),
    externalURL: text(body.externalURL, 'externalURL', true),
    alerts,
  };
}

/** One incident run per alert group: the id is derived from the group key, so repeats land in the same run. */
export function incidentWorkflowId(groupKey: string): string {
  return `incident-${createHash('sha256').update(groupKey).digest('hex').slice(0, 20)}`;
}

/** What the incident run is given and told: small, readable, no raw payload. */
export function alertNotice(group: AlertGroup, receivedAt: string) {
  const name = group.commonLabels.alertname ?? group.groupLabels.alertname ?? group.alerts[0].labels.alertname ?? 'alert';
  return {
    status: group.status,
    groupKey: group.groupKey,
    receiver: group.receiver,
    name,
    summary: group.commonAnnotations.summary ?? group.alerts[0].annotations.summary ?? name,
    labels: group.commonLabels,
    firing: group.alerts.filter((a) => a.status === 'firing').length,
    resolved: group.alerts.filter((a) => a.status === 'resolved').length,
    alerts: group.alerts.slice(0, 20).map((a) => ({
      status: a.status,
      labels: a.labels,
      startsAt: a.startsAt,
      ...(a.endsAt && !a.endsAt.startsWith('0001') ? { endsAt: a.endsAt } : {}),
      fingerprint: a.fingerprint,
    })),
    truncatedAlerts: group.truncatedAlerts + Math.max(0, group.alerts.length - 20),
    externalURL: group.externalURL,
    at: receivedAt,
  };
}

export type AlertNotice = ReturnType<typeof alertNotice>;
