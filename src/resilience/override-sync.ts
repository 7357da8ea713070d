/**
 * Keeps a worker's registry in step with the `breakers` workflow by polling its `overrides`
 * query (default every 250 ms; GENIE_BREAKER_SYNC).
 *
 * Why a query poll rather than a subscription: queries write nothing to history, so the
 * workflow's history stays exactly the audit trail of who forced what, however many workers
 * poll; a long-poll update would add events for every worker and every wait, and would hold
 * handlers open across continue-as-new. A query by workflow id always reaches the newest run,
 * so continue-as-new is invisible here. The cost is one small query per worker per interval,
 * answered from the entity's cached state; the delay is at most one interval plus one round trip.
 */
import type { Client } from '@temporalio/client';
import type { BreakerOverridesView } from '../../workflows/breakers-api';
import { readBreakerOverrides } from './overrides-client';
import type { BreakerRegistry } from './registry';
import type { OverrideInfo } from './states';

export interface OverrideSyncOptions {
  client: Client;
  taskQueue: string;
  registry: BreakerRegistry;
  /** Milliseconds between polls. */
  intervalMs: number;
  /** Asked before every poll; true ends the loop (the worker is stopping). */
  stopped?: () => boolean;
  /** Problems reaching the workflow, once per distinct message. */
  warn?: (message: string) => void;
  /** After the first successful poll and after every change: the overrides now in force. */
  applied?: (view: BreakerOverridesView, changed: string[]) => void;
}

export class BreakerOverrideSync {
  /** `chain:version` last applied; empty before the first successful poll. */
  appliedKey = '';
  /** Epoch ms of the last successful poll. */
  lastSyncAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private lastProblem = '';

  constructor(private readonly options: OverrideSyncOptions) {}

  start(): this {
    if (this.running) return this;
    this.running = true;
    void this.tick();
    return this;
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One poll: applies the overrides when their version moved. True when the workflow answered. */
  async syncOnce(): Promise<boolean> {
    const { client, taskQueue, registry } = this.options;
    try {
      const view = await readBreakerOverrides(client, taskQueue, Math.max(1000, this.options.intervalMs * 4));
      const key = `${view?.chain ?? ''}:${view?.version ?? 0}`;
      if (key !== this.appliedKey) {
        const changed = registry.applyOverrides(view?.overrides ?? {}, view ? resetsOf(view) : {});
        this.appliedKey = key;
        this.options.applied?.(view ?? { version: 0, overrides: {}, recent: [] }, changed);
      }
      this.lastSyncAt = Date.now();
      this.lastProblem = '';
      registry.overridesLoaded();
      return true;
    } catch (error) {
      const problem = `cannot read circuit-breaker overrides from the breakers workflow: ${(error as Error)?.message ?? error}`;
      if (problem !== this.lastProblem) this.options.warn?.(problem);
      this.lastProblem = problem;
      return false;
    }
  }

  private async tick(): Promise<void> {
    if (!this.running) return;
    if (this.options.stopped?.()) return this.stop();
    await this.syncOnce();
    if (!this.running) return;
    this.timer = setTimeout(() => void this.tick(), this.options.intervalMs);
    // The worker keeps the process alive; this loop must not.
    this.timer.unref();
  }
}

/** Who removed each override, from the recent log: the breaker's reset says so. */
function resetsOf(view: BreakerOverridesView): Record<string, OverrideInfo> {
  const resets: Record<string, OverrideInfo> = {};
  for (const c of view.recent) {
    if (c.action === 'reset' && c.accepted) resets[c.name] = { by: c.by, ...(c.reason ? { reason: c.reason } : {}), at: c.at };
  }
  return resets;
}
