/**
 * The benchmark's workflow bundle: the real `runbook` interpreter, plus the same 20-step
 * procedure written by hand as a baseline. Both call the very same `util.echo` activity
 * with the options the interpreter would use, so the difference is the interpreter.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { ActionEnvelope } from '../workflows/steps/action';

export { runbook } from '../workflows';

/** What the interpreter gives util.echo (registry default 10s; FALLBACK_RETRY in workflows/steps/action.ts). */
const { 'util.echo': echo } = proxyActivities<Record<string, (args: unknown) => Promise<ActionEnvelope>>>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 3, initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

export const HANDWRITTEN_STEPS = 20;

/** The baseline: 20 sequential echoes, unwrapping the same {output, attempt} envelope. */
export async function handwrittenSequence20(): Promise<{ status: 'succeeded'; outputs: unknown[]; attempts: number }> {
  const outputs: unknown[] = [];
  let attempts = 0;
  for (let n = 1; n <= HANDWRITTEN_STEPS; n++) {
    const envelope = await echo({ n });
    outputs.push(envelope.output);
    attempts += envelope.attempt;
  }
  return { status: 'succeeded', outputs, attempts };
}
