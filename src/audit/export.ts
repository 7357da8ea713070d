/**
 * `genie audit export`: a run's history as canonical JSON Lines — a header, one readable
 * record per history event (secrets masked), and a seal signed with the exporter's key over
 * the hash of everything before it.
 */
import type { PayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { KeyObject } from 'node:crypto';
import { EventDescriber, eventTime, type HistoryEvent } from '../temporal/history';
import { maskValues } from '../dsl/mask';
import { secretValues } from '../temporal/history-secrets';
import { chain } from './chain';
import { fingerprint, publicKeyText, signText } from './keys';

export const AUDIT_FORMAT = 'genie-audit/1';

export interface ExportMeta {
  workflowId: string;
  runId?: string;
  exportedBy: string;
  exportedAt?: string;
}

/** EVENT_TYPE_ACTIVITY_TASK_SCHEDULED rather than 10: records are for people. */
function eventType(e: HistoryEvent): string {
  const raw = e.eventType as unknown;
  return typeof raw === 'number' ? (temporal.api.enums.v1.EventType[raw] ?? String(raw)) : String(raw ?? '');
}

export function auditRecords(events: HistoryEvent[], converter: PayloadConverter): Record<string, unknown>[] {
  const describer = new EventDescriber(converter);
  const records = events.map((e) => ({ type: 'event', eventId: Number(e.eventId), time: eventTime(e), eventType: eventType(e), ...describer.describe(e) }));
  return maskValues(records, secretValues(events, converter));
}

/** The whole export as text, one JSON object per line, ending with a newline. */
export function exportRun(events: HistoryEvent[], converter: PayloadConverter, meta: ExportMeta, key: KeyObject): string {
  const header = {
    type: 'header',
    format: AUDIT_FORMAT,
    workflowId: meta.workflowId,
    ...(meta.runId ? { runId: meta.runId } : {}),
    exportedBy: meta.exportedBy,
    exportedAt: meta.exportedAt ?? new Date().toISOString(),
    events: events.length,
  };
  const body = chain([header, ...auditRecords(events, converter)]);
  const last = body[body.length - 1];
  const publicKey = publicKeyText(key);
  const seal = { type: 'seal', records: body.length, publicKey, keyFingerprint: fingerprint(publicKey), signature: signText(key, last.hash) };
  return [...body, ...chain([seal], last.hash, body.length)].map((r) => JSON.stringify(r)).join('\n') + '\n';
}
