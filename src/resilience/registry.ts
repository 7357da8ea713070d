/**
 * The breakers of one process (or one worker), keyed by destination — for HTTP, the URL
 * origin. A breaker is made on first use with the registry's defaults. The registry also
 * holds the operators' overrides: applyOverrides() forces or resets the breakers that exist,
 * and a breaker made later starts in its overridden state.
 */
import { CircuitBreaker } from './breaker';
import type { Clock } from './clock';
import { EventSource } from './events';
import type { LoadSource } from './load';
import type { BreakerMetrics } from './metrics';
import type { BreakerOptions } from './options';
import type { BreakerSnapshot } from './snapshot';
import type { ForcedState, OverrideInfo, StateChange } from './states';

export interface RegistryInit {
  /** Options of every breaker made here (defaults: options.ts). */
  options?: Partial<BreakerOptions>;
  clock?: Clock;
  /** Host pressure for adaptive thresholds; default none. Workers pass the shared sampler. */
  load?: LoadSource;
  /**
   * Most breakers kept. Runbooks may call many destinations (a forEach over hosts); beyond
   * this the oldest closed, unforced breaker is dropped, losing only its recent-call window.
   * Default 1000.
   */
  maxBreakers?: number;
}

/** name → forced state, as the `breakers` workflow's query returns them. */
export type OverrideMap = Record<string, { state: ForcedState; by: string; reason?: string; at?: string }>;

export class BreakerRegistry {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private overrides: OverrideMap = {};
  private readonly stateChanges = new EventSource<StateChange>();
  /** Every state change of every breaker in the registry (worker logs subscribe here). */
  readonly onStateChange = this.stateChanges.subscribe;
  private readonly maxBreakers: number;
  /** False while a worker waits for its first overrides; outbound calls wait with it (see whenReady). */
  ready = true;
  private readyWaiters: (() => void)[] = [];
  private readyTimer: NodeJS.Timeout | undefined;

  constructor(private readonly init: RegistryInit = {}) {
    this.maxBreakers = init.maxBreakers ?? 1000;
  }

  /** The breaker for `name`, made (in its overridden state, if any) on first use. */
  get(name: string): CircuitBreaker {
    return this.breakers.get(name) ?? this.create(name);
  }

  /** The breaker for `name` if one exists; never makes one. */
  peek(name: string): CircuitBreaker | undefined {
    return this.breakers.get(name);
  }

  get size(): number {
    return this.breakers.size;
  }

  list(): BreakerMetrics[] {
    return [...this.breakers.values()].map((b) => b.metrics());
  }

  /** The overrides last applied. */
  currentOverrides(): OverrideMap {
    return { ...this.overrides };
  }

  /**
   * Makes the breakers match `next`: forces those named, resets those whose override is gone.
   * `resets` says who removed an override, for the breaker's state-change reason. Returns the
   * names whose state changed.
   */
  applyOverrides(next: OverrideMap, resets: Record<string, OverrideInfo> = {}): string[] {
    const changed: string[] = [];
    for (const [name, o] of Object.entries(next)) {
      const before = this.overrides[name];
      if (before && before.state === o.state && before.by === o.by && before.reason === o.reason && before.at === o.at) continue;
      this.breakers.get(name)?.force(o.state, { by: o.by, ...(o.reason ? { reason: o.reason } : {}), ...(o.at ? { at: o.at } : {}) });
      changed.push(name);
    }
    for (const name of Object.keys(this.overrides)) {
      if (next[name]) continue;
      this.breakers.get(name)?.reset(resets[name] ?? { by: 'an operator', reason: 'override removed' });
      changed.push(name);
    }
    this.overrides = { ...next };
    return changed;
  }

  /** Every breaker's state, to be given back to restore(). */
  toJSON(): BreakerSnapshot[] {
    return [...this.breakers.values()].map((b) => b.toJSON());
  }

  /** Breakers from a snapshot, replacing any of the same name; overrides applied since still win. */
  restore(snapshots: BreakerSnapshot[]): void {
    for (const snapshot of snapshots) {
      const breaker = this.make(snapshot.name, snapshot);
      const o = this.overrides[snapshot.name];
      if (o) breaker.force(o.state, { by: o.by, ...(o.reason ? { reason: o.reason } : {}), ...(o.at ? { at: o.at } : {}) });
    }
  }

  /** Outbound calls wait (at most `waitMs`) until overridesLoaded(): a new worker starts with the current overrides. */
  expectOverrides(waitMs: number): void {
    if (!this.ready || waitMs <= 0) return;
    this.ready = false;
    this.readyTimer = setTimeout(() => this.overridesLoaded(), waitMs);
    this.readyTimer.unref();
  }

  overridesLoaded(): void {
    if (this.readyTimer) clearTimeout(this.readyTimer);
    this.readyTimer = undefined;
    this.ready = true;
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const resolve of waiters) resolve();
  }

  whenReady(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  private create(name: string): CircuitBreaker {
    const breaker = this.make(name);
    const o = this.overrides[name];
    if (o) breaker.force(o.state, { by: o.by, ...(o.reason ? { reason: o.reason } : {}), ...(o.at ? { at: o.at } : {}) });
    return breaker;
  }

  private make(name: string, restore?: BreakerSnapshot): CircuitBreaker {
    if (this.breakers.size >= this.maxBreakers && !this.breakers.has(name)) this.evictOne();
    const breaker = new CircuitBreaker({
      name,
      ...(this.init.options ? { options: this.init.options } : {}),
      ...(this.init.clock ? { clock: this.init.clock } : {}),
      ...(this.init.load ? { load: this.init.load } : {}),
      ...(restore ? { restore } : {}),
    });
    breaker.onStateChange((change) => this.stateChanges.size > 0 && this.stateChanges.emit(change));
    this.breakers.set(name, breaker);
    return breaker;
  }

  private evictOne(): void {
    for (const [name, breaker] of this.breakers) {
      if (breaker.state === 'closed' && !this.overrides[name]) {
        this.breakers.delete(name);
        return;
      }
    }
  }
}
