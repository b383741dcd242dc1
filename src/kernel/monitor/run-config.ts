// What a fit was configured with, published once per fit as a `run-config` artifact so the host
// can record the run (issue 20: optimizer, learning rate, loss, batch size, epochs, validation
// split, model summary, data shapes and checks) without the user writing any code. Built from
// the summaries the monitor already made for the rules: no extra tensor reads.
import type { DataStats, FitSummary, ModelSummary } from '../../shared/diagnosis/types';
import type { RunConfigArtifact } from '../../shared/runs/capture';
import type { FitObservation } from '../monitor-api';
import { firstTensor } from './model-summary';

export function runConfigArtifact(model: ModelSummary, fit: FitSummary, observation: FitObservation, data: DataStats | undefined): RunConfigArtifact {
  const x = firstTensor(observation.x);
  const y = firstTensor(observation.y);
  return {
    model: {
      name: model.name,
      layers: model.layers.map((layer) => ({ name: layer.name, className: layer.className, ...(layer.units !== undefined ? { units: layer.units } : {}), ...(layer.activation ? { activation: layer.activation } : {}), params: layer.params })),
      losses: model.losses,
      ...(model.optimizer ? { optimizer: { className: model.optimizer.className, ...(model.optimizer.learningRate !== undefined ? { learningRate: model.optimizer.learningRate } : {}), ...(model.optimizer.momentum !== undefined ? { momentum: model.optimizer.momentum } : {}) } } : {}),
      totalParams: model.totalParams,
      trainableParams: model.trainableParams,
    },
    fit,
    data: {
      ...(x ? { xShape: [...x.shape] } : {}),
      ...(y ? { yShape: [...y.shape] } : {}),
      ...(data ? { rows: data.rows, x: { min: data.x.min, max: data.x.max, mean: data.x.mean, std: data.x.std, nan: data.x.nan, infinite: data.x.infinite } } : {}),
      ...(data?.labels ? { labels: { encoding: data.labels.encoding, classes: data.labels.columns } } : {}),
    },
  };
}
