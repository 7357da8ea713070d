/**
 * `pause:` — hold the run for a duration, or until an operator override (promote by default)
 * says go on. Unlike `sleep`, a pause is a decision point: canary steps wait here for a human,
 * monitors wait here between cycles (ended early by forceCheck).
 */
import { condition } from '@temporalio/workflow';
import { formatDuration } from '../../src/dsl/duration';
import type { DomainSignal, PauseStep } from '../../src/dsl/types';
import type { StepContext } from '../scope';
import type { StepRunner } from './runner';

export const pauseRunner: StepRunner<'pause'> = { run: runPause };

export async function runPause(step: PauseStep, ctx: StepContext): Promise<unknown> {
  const endOn: readonly DomainSignal[] = step.pause.endOn ?? ['promote'];
  const ms = step.pause.duration !== undefined ? await ctx.evaluator.durationMs(step.pause.duration, ctx.bindings()) : undefined;
  const message = step.pause.message !== undefined ? String(await ctx.evaluator.value(step.pause.message, ctx.bindings())) : undefined;
  const seen = ctx.run.signalCount(endOn);
  const until = ms !== undefined ? ` until ${new Date(Date.now() + ms).toISOString()}` : '';
  ctx.run.pauses.set(ctx.path, endOn);
  ctx.run.update(ctx.record, { status: 'waiting', note: `${message ? `${message}: ` : ''}paused${until}; ${endOn.join(' or ')} continues` });
  try {
    const signalled = () => ctx.run.signalCount(endOn) > seen;
    const ended = ms === undefined ? (await condition(signalled), true) : await condition(signalled, ms);
    if (!ended) return { endedBy: 'timer', paused: formatDuration(ms ?? 0) };
    const last = ctx.run.overrides.filter((o) => o.accepted && (endOn as readonly string[]).includes(o.action)).at(-1)!;
    return { endedBy: last.action, by: last.by, ...(last.reason ? { reason: last.reason } : {}) };
  } finally {
    ctx.run.pauses.delete(ctx.path);
  }
}
