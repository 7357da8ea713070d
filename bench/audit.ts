/**
 * Audit export + verify of a 10,000-event history (target ≤ 2 s). The history is a real
 * recorded one (all-kinds) repeated with fresh event ids: export and verify cost depends on
 * the number and shape of events, not on whether a server produced all of them.
 */
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultPayloadConverter } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { exportRun } from '../src/audit/export';
import { verifyExport } from '../src/audit/verify';
import { projectRoot } from '../src/paths';

export interface AuditBenchResult {
  events: number;
  exportMs: number;
  verifyMs: number;
  totalMs: number;
  exportBytes: number;
  target: { totalMs: number };
  withinTarget: boolean;
}

export function auditExportVerify(targetEvents = 10_000): AuditBenchResult {
  const file = path.join(projectRoot, 'test', 'fixtures', 'histories', 'all-kinds.json');
  const recorded = JSON.parse(fs.readFileSync(file, 'utf8')) as { events: Record<string, unknown>[] };
  // Repeat the body (everything after the start event) until the target is reached.
  const [start, ...body] = recorded.events;
  const events: Record<string, unknown>[] = [start];
  while (events.length < targetEvents) for (const e of body) if (events.length < targetEvents) events.push({ ...e, eventId: String(events.length + 1) });
  const history = historyFromJSON({ events }).events ?? [];
  const key = generateKeyPairSync('ed25519').privateKey;

  const t0 = performance.now();
  const text = exportRun(history, defaultPayloadConverter, { workflowId: 'bench-audit', exportedBy: 'bench' }, key);
  const t1 = performance.now();
  const verdict = verifyExport(text);
  const t2 = performance.now();
  if (!verdict.ok) throw new Error(`the bench export does not verify: ${JSON.stringify(verdict.problem)}`);
  const round = (ms: number) => Number(ms.toFixed(1));
  return {
    events: history.length,
    exportMs: round(t1 - t0),
    verifyMs: round(t2 - t1),
    totalMs: round(t2 - t0),
    exportBytes: text.length,
    target: { totalMs: 2000 },
    withinTarget: t2 - t0 <= 2000,
  };
}

if (require.main === module) process.stdout.write(JSON.stringify(auditExportVerify(), null, 2) + '\n');
