/**
 * A minimal typed event source (cockatiel's idea): `breaker.onStateChange(listener)` returns
 * a handle whose dispose() unsubscribes. Cheaper than EventEmitter and typed per event; the
 * breaker checks `size` before building an event object, so an unobserved event costs nothing.
 */
export type Listener<T> = (event: T) => void;

export interface Disposable {
  dispose(): void;
}

export class EventSource<T> {
  private listeners: Listener<T>[] = [];

  get size(): number {
    return this.listeners.length;
  }

  /** Callable as `source.subscribe(fn)`; breakers expose it bound, as `breaker.onStateChange(fn)`. */
  subscribe = (listener: Listener<T>): Disposable => {
    this.listeners = [...this.listeners, listener];
    return { dispose: () => void (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };

  emit(event: T): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        // An observer's bug must never fail the call being observed; it still gets reported.
        process.emitWarning(`circuit breaker event listener threw: ${(error as Error)?.stack ?? error}`);
      }
    }
  }
}
