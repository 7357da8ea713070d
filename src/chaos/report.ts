/**
 * The experiment's report, from what the run recorded ($status, $error and the steps'
 * views) and the fault store (what was rolled back, by whom, how):
 *
 * - `aborted`: the run was aborted or emergency-stopped, the system was not steady before
 *   the fault (nothing was injected), a stop condition breached (the breaching value is in
 *   `breach`), or the fault could not be held;
 * - `deviated`: the fault ran its course and the hypothesis no longer holds after it;
 * - `steady`: it ran its course and the hypothesis still holds.
 *
 * For an experiment imported from Chaos Toolkit, `ctkStatus` gives Chaos Toolkit's own word
 * (completed, deviated, failed, aborted).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FaultStore } from './store';

const View = Type.Unknown({ description: 'A step as $steps.<id> shows it: {status, output, error?}' });
export const ReportArgs = Type.Object(
  {
    status: Type.Optional(Type.String({ description: 'The run status ($status in finally, or "running")' })),
    error: Type.Optional(Type.Unknown()),
    run: Type.Optional(Type.String({ description: 'The run (workflow) id, to list its faults: "{% $run.id %}"' })),
    before: Type.Optional(View),
    method: Type.Optional(View),
    fault: Type.Optional({ ...View, description: 'The chaos.inject step: its onChaos probe values' }),
    stopConditions: Type.Optional({ ...View, description: 'The background analysis: its measurements over time' }),
    after: Type.Optional(View),
  },
  { additionalProperties: false },
);
export type ReportArgs = Static<typeof ReportArgs>;

export type Verdict = 'steady' | 'deviated' | 'aborted';

interface StepView {
  status?: string;
  output?: unknown;
  error?: { code?: string; message?: string; details?: unknown };
}

export interface Breach {
  name: string;
  value: unknown;
  at?: string;
  reason?: string;
}

export interface ChaosReport {
  verdict: Verdict;
  reason: string;
  ctkStatus: 'completed' | 'deviated' | 'failed' | 'aborted';
  breach?: Breach;
  probes: Record<string, { phase: string; at?: string; value: unknown; ok?: boolean }[]>;
  faults: { id: string; kind: string; target: string; appliedAt?: string; removedAt?: string; removedBy?: string; removal?: string; state: string }[];
  rolledBack: string[];
}

function rec(v: unknown): Record<string, any> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, any>) : undefined;
}

/** The breach a stop condition recorded: an inject's `breach`, or the failed metric of an analysis. */
export function findBreach(value: unknown, depth = 0): Breach | undefined {
  if (depth > 8) return undefined;
  const o = rec(value);
  if (Array.isArray(value)) {
    for (const v of value) {
      const b = findBreach(v, depth + 1);
      if (b) return b;
    }
    return undefined;
  }
  if (!o) return undefined;
  if (rec(o.breach) && typeof o.breach.name === 'string') return { name: o.breach.name, value: o.breach.value, at: o.breach.at, reason: o.breach.reason };
  if (Array.isArray(o.metrics)) {
    for (const m of o.metrics as Record<string, any>[]) {
      if (m?.verdict !== 'Failed' || !Array.isArray(m.measurements)) continue;
      const bad = [...m.measurements].reverse().find((x: Record<string, any>) => x.outcome === 'failed');
      if (bad) return { name: m.name, value: bad.value, at: bad.at, reason: 'failure condition met' };
    }
  }
  for (const k of ['details', 'error', 'output', 'branches']) {
    const b = findBreach(o[k], depth + 1);
    if (b) return b;
  }
  return undefined;
}

function errorCodes(value: unknown, depth = 0): string[] {
  const o = rec(value);
  if (Array.isArray(value)) return value.flatMap((v) => errorCodes(v, depth + 1));
  if (!o || depth > 8) return [];
  return [...(typeof o.code === 'string' ? [o.code] : []), ...['details', 'error'].flatMap((k) => errorCodes(o[k], depth + 1))];
}

function probeValues(into: ChaosReport['probes'], phase: string, outcomes: unknown): void {
  if (!Array.isArray(outcomes)) return;
  for (const p of outcomes as Record<string, unknown>[]) {
    if (typeof p?.name !== 'string') continue;
    (into[p.name] ??= []).push({
      phase,
      ...(typeof p.at === 'string' ? { at: p.at } : {}),
      value: p.value,
      ...(typeof p.ok === 'boolean' ? { ok: p.ok } : {}),
    });
  }
}

/** Probe outcomes and analysis measurements anywhere under a view (inject's `during`, an analysis's metrics). */
function collectDuring(into: ChaosReport['probes'], value: unknown, depth = 0): void {
  const o = rec(value);
  if (Array.isArray(value)) return value.forEach((v) => collectDuring(into, v, depth + 1));
  if (!o || depth > 8) return;
  if (Array.isArray(o.during)) probeValues(into, 'during', o.during);
  if (Array.isArray(o.metrics)) {
    for (const m of o.metrics as Record<string, any>[]) {
      if (typeof m?.name !== 'string' || !Array.isArray(m.measurements)) continue;
      for (const x of m.measurements) (into[m.name] ??= []).push({ phase: 'continuous', at: x.at, value: x.value ?? null, ok: x.outcome !== 'failed' });
    }
  }
  for (const k of ['details', 'error', 'output', 'branches']) collectDuring(into, o[k], depth + 1);
}

export function verdictOf(a: ReportArgs): { verdict: Verdict; reason: string; ctkStatus: ChaosReport['ctkStatus']; breach?: Breach } {
  const before = rec(a.before) as StepView | undefined;
  const method = rec(a.method) as StepView | undefined;
  const after = rec(a.after) as StepView | undefined;
  const runError = rec(a.error);
  if (a.status === 'aborted') return { verdict: 'aborted', reason: String(runError?.message ?? 'the run was aborted'), ctkStatus: 'aborted' };
  if (before && (before.status === 'failed' || rec(before.output)?.steady === false)) {
    return {
      verdict: 'aborted',
      reason: `not steady before the fault, so nothing was injected: ${before.error?.message ?? 'a probe was out of tolerance'}`,
      ctkStatus: 'failed',
    };
  }
  if (method && method.status === 'failed') {
    const breach = findBreach(method.error) ?? findBreach(method.output);
    const codes = errorCodes(method.error);
    if (breach)
      return {
        verdict: 'aborted',
        reason: `stop condition ${breach.name} breached with ${JSON.stringify(breach.value)}; the fault was removed early`,
        ctkStatus: 'aborted',
        breach,
      };
    return { verdict: 'aborted', reason: `the method failed (${codes.join(' < ') || 'error'}): ${method.error?.message ?? ''}`, ctkStatus: 'aborted' };
  }
  const held = rec(rec(a.fault)?.output);
  if (held?.ended === 'removed') {
    return { verdict: 'aborted', reason: 'the fault was removed before its duration ended (stop-all, chaos.remove or the reaper)', ctkStatus: 'aborted' };
  }
  if (a.status === 'failed' || a.status === 'rolled_back') {
    const breach = findBreach(runError);
    return { verdict: 'aborted', reason: `the run failed: ${String(runError?.message ?? '')}`, ctkStatus: 'failed', ...(breach ? { breach } : {}) };
  }
  if (after && (after.status === 'failed' || rec(after.output)?.steady === false)) {
    return { verdict: 'deviated', reason: 'the steady-state hypothesis no longer holds after the fault', ctkStatus: 'deviated' };
  }
  return { verdict: 'steady', reason: after ? 'the steady-state hypothesis held before and after the fault' : 'the method completed', ctkStatus: 'completed' };
}

export async function buildReport(a: ReportArgs, store: FaultStore): Promise<ChaosReport> {
  const v = verdictOf(a);
  const probes: ChaosReport['probes'] = {};
  probeValues(probes, 'before', rec(rec(a.before)?.output)?.probes ?? rec(rec(rec(a.before)?.error)?.details)?.probes);
  collectDuring(probes, a.method);
  // The method's parts, when the method step succeeded (a parallel's output does not carry them).
  if (rec(a.method)?.status !== 'failed') {
    collectDuring(probes, a.stopConditions);
    collectDuring(probes, a.fault);
  }
  probeValues(probes, 'after', rec(rec(a.after)?.output)?.probes ?? rec(rec(rec(a.after)?.error)?.details)?.probes);
  const faults = a.run ? store.list().filter((r) => r.owner.workflowId === a.run) : [];
  return {
    ...v,
    probes,
    faults: faults.map((r) => ({
      id: r.id,
      kind: r.kind,
      target: r.target,
      state: r.state,
      ...(r.appliedAt ? { appliedAt: r.appliedAt } : {}),
      ...(r.removedAt ? { removedAt: r.removedAt } : {}),
      ...(r.removedBy ? { removedBy: r.removedBy } : {}),
      ...(r.removal ? { removal: r.removal } : {}),
    })),
    rolledBack: faults.filter((r) => r.state === 'removed').map((r) => `${r.kind} on ${r.target}: ${r.removal ?? 'removed'}`),
  };
}
