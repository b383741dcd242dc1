// Ownership of things to undo, after VS Code's base/common/lifecycle.ts (small): everything that
// subscribes, spawns or allocates returns a Disposable, and its owner disposes it (design.md).

/** VS Code's IDisposable: everything that subscribes, spawns or allocates returns one. */
export interface Disposable {
  dispose(): void;
}

/** A Disposable that runs `dispose` once, however often it is called. */
export function toDisposable(dispose: () => void): Disposable {
  let disposed = false;
  return {
    dispose: () => {
      if (disposed) return;
      disposed = true;
      dispose();
    },
  };
}

/**
 * Disposables owned together: `dispose()` disposes all of them, each once, newest first, even
 * when one throws (the first error is rethrown after the rest are done). Adding to a disposed
 * store disposes the newcomer at once, so nothing added late leaks.
 */
export class DisposableStore implements Disposable {
  private readonly owned = new Set<Disposable>();
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  add<T extends Disposable>(disposable: T): T {
    if (this.disposed) disposable.dispose();
    else this.owned.add(disposable);
    return disposable;
  }

  /** Dispose the owned ones now and keep the store usable. */
  clear(): void {
    const owned = [...this.owned].reverse();
    this.owned.clear();
    let failure: { error: unknown } | undefined;
    for (const disposable of owned) {
      try {
        disposable.dispose();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clear();
  }
}
