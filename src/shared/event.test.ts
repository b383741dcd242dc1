import { describe, expect, it } from 'vitest';
import { Emitter } from './event';
import { DisposableStore, toDisposable } from './lifecycle';

describe('Emitter', () => {
  it('delivers to the listeners subscribed when it fires, until they dispose', () => {
    const emitter = new Emitter<number>();
    const seen: string[] = [];
    const first = emitter.event((value) => seen.push(`a${value}`));
    let late: { dispose(): void } | undefined;
    emitter.event((value) => {
      seen.push(`b${value}`);
      // Subscribing during a delivery does not change that delivery.
      late ??= emitter.event((inner) => seen.push(`c${inner}`));
    });
    emitter.fire(1);
    first.dispose();
    emitter.fire(2);
    expect(seen).toEqual(['a1', 'b1', 'b2', 'c2']);
    late!.dispose();
    expect(emitter.hasListeners).toBe(true);
    emitter.dispose();
    expect(emitter.hasListeners).toBe(false);
    emitter.event(() => seen.push('after dispose'));
    emitter.fire(3);
    expect(seen).toHaveLength(4);
  });

  it("a listener's error reaches the firer, or the handler given, and then the others still hear", () => {
    const plain = new Emitter<void>();
    plain.event(() => {
      throw new Error('boom');
    });
    expect(() => plain.fire()).toThrow('boom');

    const errors: unknown[] = [];
    const guarded = new Emitter<void>({ onListenerError: (error) => errors.push(error) });
    let heard = false;
    guarded.event(() => {
      throw new Error('boom');
    });
    guarded.event(() => void (heard = true));
    guarded.fire();
    expect(heard).toBe(true);
    expect(errors).toHaveLength(1);
  });
});

describe('DisposableStore', () => {
  it('disposes what it owns once, newest first, even when one throws', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => order.push('first')));
    store.add(
      toDisposable(() => {
        order.push('second');
        throw new Error('second failed');
      }),
    );
    store.add(toDisposable(() => order.push('third')));
    expect(() => store.dispose()).toThrow('second failed');
    expect(order).toEqual(['third', 'second', 'first']);
    store.dispose();
    expect(order).toHaveLength(3);
    expect(store.isDisposed).toBe(true);
  });

  it('disposes at once what is added after it was disposed', () => {
    const store = new DisposableStore();
    store.dispose();
    let disposed = 0;
    const late = toDisposable(() => disposed++);
    expect(store.add(late)).toBe(late);
    late.dispose();
    expect(disposed).toBe(1);
  });
});
