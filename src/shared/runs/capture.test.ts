import { describe, expect, it } from 'vitest';
import { createRunRecord } from '../notebook/run-reducer';
import { runSyntheticSweep } from '../sweep/view-model.testing';
import { captureRun, RUN_CONFIG_ARTIFACT, type CaptureContext } from './capture';

const context: CaptureContext = { origin: 'app', source: 'await lossbook.sweep(…)', priorCode: ['const a = 1;', 'const b = 2;'], notebook: '/nb/sweep.lossbook', cellIndex: 2, backend: undefined, lossbookVersion: '0.1.0', seed: undefined, hash: (text) => `h(${text.length})` };

describe('captureRun', () => {
  it('records each finished sweep trial as a run of its own, with its params and per-epoch curves', () => {
    const { run, scheduler, name } = runSyntheticSweep({ trials: 4 });
    const record = Object.assign(createRunRecord('cell-run', 'cell', 1, 1000), { status: 'ok' as const, artifacts: run.artifacts });
    const [parent, ...trials] = captureRun(record, context);
    expect(parent).toMatchObject({ id: 'cell-run', origin: 'app', parentId: null, priorCode: 'const a = 1;\nconst b = 2;', priorCodeHash: 'h(25)' });
    const finished = scheduler.state.trials.filter((trial) => trial.status !== 'running');
    expect(trials.map((trial) => trial.id)).toEqual(finished.map((trial) => `cell-run/${name}/${trial.id}`));
    for (const [index, trial] of trials.entries()) {
      const source = finished[index]!;
      expect(trial).toMatchObject({ origin: 'sweep', parentId: 'cell-run', params: { sweep: name, trial: source.id, ...source.params, trialStatus: source.status } });
      const metric = Object.keys(source.history[0]!.metrics)[0]!;
      expect(trial.series.find((series) => series.name === metric)).toEqual({ name: metric, steps: source.history.map((entry) => entry.epoch), values: source.history.map((entry) => entry.metrics[metric] ?? null) });
    }
  });

  it('takes the configuration of the last fit and ignores a malformed run-config', () => {
    const record = createRunRecord('r', 'c', 1, 0);
    record.status = 'ok';
    const config = (learningRate: number) => ({ model: { name: 'm', layers: [{ name: 'd', className: 'Dense', units: 2, params: 6 }], losses: ['meanSquaredError'], optimizer: { className: 'SGD', learningRate }, totalParams: 6, trainableParams: 6 }, fit: { kind: 'fit', epochs: 2, batchSize: 8, shuffle: true, hasValidation: false }, data: { xShape: [16, 2] } });
    record.artifacts.push({ kind: RUN_CONFIG_ARTIFACT, data: config(0.1) }, { kind: RUN_CONFIG_ARTIFACT, data: config(0.5) }, { kind: RUN_CONFIG_ARTIFACT, data: { model: 'garbage' } });
    const [run] = captureRun(record, context);
    expect(run!.params).toMatchObject({ learningRate: 0.5, optimizer: 'SGD', lossFunction: 'meanSquaredError', batchSize: 8, epochs: 2, xShape: '16×2', layers: 1, totalParams: 6 });
    expect(run!.config.model!.structuralHash).toMatch(/^h\(/);
  });
});
