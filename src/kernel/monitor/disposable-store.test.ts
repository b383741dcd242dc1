import { describe, expect, it } from 'vitest';
import { DisposableStore } from './disposable-store';

describe('DisposableStore', () => {
  it('disposes each item once, in the order added, and later adds at once', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.add({ dispose: () => log.push('a') });
    store.add({ dispose: () => log.push('b') });
    store.dispose();
    store.dispose();
    expect(log).toEqual(['a', 'b']);
    store.add({ dispose: () => log.push('late') });
    expect(log).toEqual(['a', 'b', 'late']);
  });

  it('a throwing item does not keep the others from being disposed; its error comes out after', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.add({
      dispose: () => {
        throw new Error('first');
      },
    });
    store.add({ dispose: () => log.push('second') });
    expect(() => store.dispose()).toThrow('first');
    expect(log).toEqual(['second']);
  });
});
