// One kind of listener list, after VS Code's base/common/event.ts Emitter (small): the owner
// fires, others subscribe through `event` and get a Disposable back.
import type { Disposable } from './lifecycle';

/** Subscribe a listener; dispose the result to unsubscribe. */
export type Event<T> = (listener: (value: T) => void) => Disposable;

export interface EmitterOptions {
  /**
   * A listener threw: report it here and go on to the next one. Without it the error reaches
   * whoever fired, and later listeners miss this value.
   */
  onListenerError?(error: unknown): void;
}

export class Emitter<T> implements Disposable {
  // A set: subscribing the same function twice delivers once, as the hand-written lists did.
  private readonly listeners = new Set<(value: T) => void>();
  private disposed = false;

  constructor(private readonly options: EmitterOptions = {}) {}

  /** Subscribe; after the emitter is disposed this does nothing. */
  readonly event: Event<T> = (listener) => {
    if (this.disposed) return { dispose: () => undefined };
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  };

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  /** Deliver to the listeners subscribed now (one that subscribes or leaves meanwhile does not change this delivery). */
  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      if (!this.options.onListenerError) {
        listener(value);
        continue;
      }
      try {
        listener(value);
      } catch (error) {
        this.options.onListenerError(error);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}
