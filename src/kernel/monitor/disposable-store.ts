// A minimal DisposableStore (VS Code's base/common/lifecycle.ts) for the monitor's parts. Local
// until src/shared has the one the API work brings (issue 19 item 3); the lead unifies them.
import type { Disposable } from '../../shared/protocol';

export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private disposed = false;

  /** Adds `item`, disposed with the store (in the order added); added after disposal, it is disposed at once. */
  add<T extends Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  /** Disposes every item once, even when one throws (the first error is rethrown after the rest). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    let failure: { error: unknown } | undefined;
    for (const item of this.items.splice(0)) {
      try {
        item.dispose();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }
}
