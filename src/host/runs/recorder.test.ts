// A real kernel (tsx, wasm) trains the same tiny model twice with two learning rates; the
// recorder must capture both runs with their configuration, without any code in the cells.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunToStore } from '../../shared/runs/model';
import type { KernelSupervisor } from '../kernel-supervisor';
import { startSupervisor } from '../kernel-supervisor.testing';
import { withRunRecording } from './recorder';

const training = (learningRate: number) => `
const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3], activation: 'relu' }), tf.layers.dense({ units: 1 })] });
model.compile({ optimizer: tf.train.sgd(${learningRate}), loss: 'meanSquaredError' });
const xs = tf.tensor2d([[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6], [5, 6, 7], [6, 7, 8], [7, 8, 9]]);
const ys = tf.tensor2d([[1], [2], [3], [4], [5], [6], [7], [8]]);
await model.fit(xs, ys, { epochs: 3, batchSize: 4, validationSplit: 0.25 });
lossbook.log({ custom: 42 });
`;

describe('RunRecorder with a real kernel', () => {
  let inner: KernelSupervisor;
  let supervisor: ReturnType<typeof withRunRecording>;
  const recorded: RunToStore[] = [];

  beforeAll(async () => {
    inner = startSupervisor();
    supervisor = withRunRecording(inner, { add: (run) => recorded.push(run) }, { origin: 'app', env: { LOSSBOOK_SEED: '7' }, locate: (cellId) => ({ notebook: '/nb/demo.lossbook', cellIndex: cellId === 'b' ? 1 : 0 }) });
    await supervisor.start();
  });
  afterAll(async () => {
    await supervisor.shutdown();
    supervisor.dispose();
  });

  it('records each finished run with its configuration, code and the code that ran before it', async () => {
    await (await supervisor.execute({ cellId: 'setup', code: 'const unit = 1;' })).done;
    await (await supervisor.execute({ cellId: 'a', code: training(0.01) })).done;
    await (await supervisor.execute({ cellId: 'b', code: training(0.001) })).done;
    await supervisor.recorder.flush();
    expect(recorded.map((run) => run.cellId)).toEqual(['setup', 'a', 'b']);
    const [, first, second] = recorded as [RunToStore, RunToStore, RunToStore];
    expect(first).toMatchObject({
      origin: 'app',
      notebook: '/nb/demo.lossbook',
      status: 'ok',
      source: training(0.01),
      priorCode: 'const unit = 1;',
      params: { learningRate: 0.01, optimizer: 'SGD', lossFunction: 'meanSquaredError', batchSize: 4, epochs: 3, validationSplit: 0.25, layers: 2, totalParams: 21, seed: 7, backend: 'wasm', xShape: '8×3' },
      config: { model: { layers: [{ className: 'Dense', units: 4, activation: 'relu', params: 16 }, { className: 'Dense', units: 1, params: 5 }] }, fit: { epochs: 3, batchSize: 4 }, data: { xShape: [8, 3], yShape: [8, 1] }, seed: 7 },
    });
    expect(second.params.learningRate).toBe(0.001);
    expect(second.priorCode).toBe(`const unit = 1;\n${training(0.01)}`);
    // Same architecture, same structural hash; the code differs.
    expect(second.config.model!.structuralHash).toBe(first.config.model!.structuralHash);
    expect(second.sourceHash).not.toBe(first.sourceHash);
    for (const name of ['loss', 'val_loss', 'custom']) expect(first.series.map((series) => series.name)).toContain(name);
    expect(first.series.find((series) => series.name === 'loss')!.values.length).toBeGreaterThan(0);
    expect(first.durationMs).toBeGreaterThan(0);
    expect(first.memory?.leaked.tensors).toBe(0);
  });
});
