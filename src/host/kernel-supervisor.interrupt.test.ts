// Interrupts that respect slow batches (issue 18): training stops at the next batch boundary, so
// the supervisor's grace follows the batch times the kernel reports (`batch_ms`) instead of a fixed
// 1.5 s that killed a CPU CNN whose batches took ~4 s. Deterministic: the slow batch is a callback
// that blocks the kernel for a set time, the interrupt is sent when the first batch time arrives,
// and nothing asserts how long anything took.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { ProgressReporter } from '../cli/progress';
import type { Notebook, RunRecord } from '../shared/notebook/model';
import type { HostEvent } from '../shared/protocol';
import { interruptGraceFor, type KernelSupervisor } from './kernel-supervisor';
import { runCell, startSupervisor } from './kernel-supervisor.testing';
import { renderReport } from './report';

describe('interruptGraceFor', () => {
  it('is the base grace until batches are timed, then covers the slowest recent batch with a margin, up to a cap', () => {
    expect(interruptGraceFor(1500, [])).toBe(1500);
    expect(interruptGraceFor(1500, [4000, 3800])).toBe(6500);
    expect(interruptGraceFor(1500, [10, 12])).toBe(1515);
    expect(interruptGraceFor(1500, [200_000], 60_000)).toBe(60_000);
    expect(interruptGraceFor(90_000, [4000], 60_000)).toBe(90_000);
    expect(interruptGraceFor(1500, [Number.NaN])).toBe(1500);
  });
});

describe('interrupting a cell whose batches are slower than the base grace', () => {
  let supervisor: KernelSupervisor;
  beforeAll(async () => {
    // A base grace shorter than one batch: the old fixed grace would kill the kernel mid-batch.
    supervisor = startSupervisor({ backend: 'cpu', interruptGraceMs: 300 });
    await supervisor.start();
  });
  afterAll(async () => {
    await supervisor?.shutdown();
  });

  it('waits for the batch boundary: the run ends interrupted, the model and data are kept', async () => {
    const states: HostEvent[] = [];
    const subscription = supervisor.onEvent((event) => event.type === 'kernel-state' && states.push(event));
    const outcome = await runCell(
      supervisor,
      `const x = tf.randomNormal([64, 4]);
const y = tf.randomNormal([64, 1]);
const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4] })] });
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
// A slow batch: the kernel is blocked (as in a long synchronous CPU kernel) for 700 ms per batch.
const slowBatch = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 700);
await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, callbacks: { onBatchEnd: slowBatch } });`,
      (event) => event.type === 'metrics' && event.points.some((point) => point.name === 'batch_ms'),
    );
    subscription.dispose();
    expect(outcome.finished.status).toBe('interrupted');
    expect(outcome.finished.memory.processEnded).toBeUndefined();
    const notice = states.find((event) => event.type === 'kernel-state' && event.state === 'interrupting');
    expect(notice && 'reason' in notice ? notice.reason : '').toMatch(/stopping at the next batch boundary: batches take up to \d+\.\d s here, so the kernel gets \d+\.\d s before it is restarted/);
    expect((await runCell(supervisor, 'typeof model + " " + x.shape.join("x")')).display).toEqual({ kind: 'text', text: 'object 64x4' });
  });

  it('a cell that never yields is still killed; the notice gives the real time waited and what was lost, and no leak meter of 0', async () => {
    await runCell(supervisor, 'const survivor = tf.ones([2]);');
    const outcome = await runCell(supervisor, 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);', (event) => event.type === 'run-started');
    expect(outcome.finished.status).toBe('killed');
    expect(outcome.error?.message).toMatch(/did not stop within \d+\.\d s of the interrupt .*Lost: the namespace \(.*survivor/);
    expect(outcome.finished.memory.processEnded).toBe(true);
  });
});

describe('a killed run is never shown as "no leak"', () => {
  const snapshot = { numTensors: 0, numBytes: 0, rssBytes: 0, heapUsedBytes: 0, time: 0 };
  const run: RunRecord = {
    runId: 'r1',
    cellId: 'c1',
    executionCount: 1,
    startedAt: 0,
    status: 'killed',
    series: [],
    findings: [],
    memory: { before: snapshot, after: snapshot, kept: { tensors: 0, bytes: 0 }, disposed: { tensors: 0, bytes: 0 }, leaked: { tensors: 0, bytes: 0 }, processEnded: true },
    artifacts: [],
  };

  it('in the HTML report and on the CLI, the memory is said to have gone with the process', () => {
    const notebook: Notebook = { metadata: { title: 't', created: '', modified: '', lossbookVersion: '0.1.0' }, cells: [{ id: 'c1', kind: 'code', source: 'train()', outputs: [], runs: [run], dismissed: [] }] };
    const html = renderReport(notebook);
    expect(html).toContain('nothing was measured at its end, and its memory was released with the process');
    expect(html).not.toMatch(/<tr class="no-leak">/);
    expect(html).toContain('kernel restarted, memory released with the process');
    let text = '';
    const status = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        text += chunk.toString();
        callback();
      },
    });
    const reporter = new ProgressReporter({ status, cellOutput: status });
    reporter.startCell(1, 1, 1);
    reporter.finishCell(run);
    expect(text).toContain('killed · kernel restarted, memory released with the process');
    expect(text).not.toContain('0 tensors leaked');
  });
});
