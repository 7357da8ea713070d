/**
 * Follows a run until it ends: on a terminal a live step list redrawn in place, otherwise
 * one plain line per change (friendly to logs and CI).
 */
import type { WorkflowHandle } from '@temporalio/client';
import { stateQuery, type RunbookResult, type RunState, type StepRecord } from '../../workflows/api';
import { icon, type Output } from './output';

const POLL_MS = 300;

function line(r: StepRecord): string {
  const extra = r.note ?? (r.error ? `${r.error.code}: ${r.error.message}` : '');
  return `${icon(r.status)} ${r.id.padEnd(28)} ${r.status.padEnd(10)} ${r.attempts > 1 ? `attempt ${r.attempts} ` : ''}${extra}`;
}

export async function watchRun(handle: WorkflowHandle, out: Output, onResult: (r: RunbookResult) => void): Promise<void> {
  const seen = new Map<string, string>();
  let drawn = 0;
  let lastStatus = '';
  const render = (state: RunState): void => {
    if (out.isTty) {
      if (drawn) out.stdout.write(`\x1b[${drawn}A\x1b[J`);
      const lines = [`${state.runbook?.name ?? ''} — ${state.status}`, ...state.steps.map(line)];
      for (const l of lines) out.print(l);
      drawn = lines.length;
      return;
    }
    if (state.status !== lastStatus) out.print(`run ${state.status}`);
    lastStatus = state.status;
    for (const r of state.steps) {
      const key = `${r.status}|${r.attempts}|${r.note ?? ''}`;
      if (seen.get(r.id) !== key) out.print(line(r));
      seen.set(r.id, key);
    }
  };
  let done = false;
  const result = handle.result().then((r: RunbookResult) => {
    done = true;
    return r;
  });
  result.catch(() => {
    done = true;
  });
  while (!done) {
    try {
      render(await handle.query(stateQuery));
    } catch {
      // the run may not have had its first workflow task yet
    }
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, POLL_MS))]);
  }
  const final = await result;
  render({ ...stateFromResult(final), status: final.status } as RunState);
  onResult(final);
}

function stateFromResult(result: RunbookResult): Pick<RunState, 'steps' | 'runbook'> {
  return { steps: result.steps, runbook: result.runbook };
}
