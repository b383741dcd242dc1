// Issue 17 through a real kernel process (wasm): a cell that makes 130,000 tensors and never
// disposes them used to overflow the stack when its run scope closed, leaving the scope open —
// every later cell hung busy and all the tensors leaked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KernelSupervisor } from './kernel-supervisor';
import { runCell, startSupervisor } from './kernel-supervisor.testing';

describe('a cell of 130,000 tensors (issue 17, real kernel process)', () => {
  let supervisor: KernelSupervisor;

  beforeAll(async () => {
    supervisor = startSupervisor();
    await supervisor.start();
  });

  afterAll(async () => {
    await supervisor?.shutdown();
  });

  it('frees every tensor the cell made, and the next cell runs', async () => {
    const big = await runCell(supervisor, 'for (let i = 0; i < 130000; i++) tf.scalar(i);');
    expect(big.error).toBeUndefined();
    expect(big.finished.status).toBe('ok');
    expect(big.finished.memory.disposed.tensors).toBe(130_000);
    expect(big.finished.memory.leaked).toEqual({ tensors: 0, bytes: 0 });
    expect(big.finished.memory.after.numTensors).toBe(0);

    const next = await runCell(supervisor, 'const kept = tf.ones([3]); console.log("next cell ran");');
    expect(next.finished.status).toBe('ok');
    expect(next.stdout).toContain('next cell ran');
    expect(next.finished.memory.after.numTensors).toBe(1);
  });
});
