// Turning a tfjs model and fit call into the plain data the diagnosis rules read: a model summary
// (layers, loss, optimizer, measured kernel scales) and a summary of the fit's arguments.
import type * as tfType from '@tensorflow/tfjs';
import type { FitSummary, LayerSummary, ModelSummary } from '../../shared/diagnosis';
import type { FitObservation, Tf } from '../monitor-api';
import type { Readbacks } from '../readback';

const KNOWN_LOSSES = [
  'categoricalCrossentropy',
  'sparseCategoricalCrossentropy',
  'binaryCrossentropy',
  'meanSquaredError',
  'meanAbsoluteError',
  'meanAbsolutePercentageError',
  'meanSquaredLogarithmicError',
  'kullbackLeiblerDivergence',
  'softmaxCrossEntropy',
  'sigmoidCrossEntropy',
  'logLoss',
  'hingeLoss',
  'huberLoss',
  'absoluteDifference',
  'cosineDistance',
  'hinge',
  'squaredHinge',
  'categoricalHinge',
  'logcosh',
  'poisson',
  'cosineProximity',
];

function lossNames(model: tfType.LayersModel): { names: string[]; source?: string } {
  const raw = (model as unknown as { loss: unknown }).loss;
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' && typeof raw !== 'function' ? Object.values(raw as Record<string, unknown>) : [raw];
  const names: string[] = [];
  let source: string | undefined;
  for (const entry of list) {
    if (typeof entry === 'string') names.push(entry);
    else if (typeof entry === 'function') {
      const name = entry.name.replace(/__op$/, '');
      // A user's own function may share a built-in's name (`const binaryCrossEntropy = …`); tfjs's own
      // losses never call through the notebook's `tf` namespace, a cell's always do.
      const known = /\btf\./.test(String(entry)) ? undefined : KNOWN_LOSSES.find((k) => k.toLowerCase() === name.toLowerCase());
      if (known) names.push(known);
      else {
        names.push('custom');
        source = String(entry).slice(0, 4000);
      }
    }
  }
  return { names, ...(source ? { source } : {}) };
}

function optimizerSummary(model: tfType.LayersModel): ModelSummary['optimizer'] {
  const optimizer = (model as unknown as { optimizer?: tfType.Optimizer }).optimizer;
  if (!optimizer) return undefined;
  const fields = optimizer as unknown as { learningRate?: unknown; momentum?: unknown };
  const summary: NonNullable<ModelSummary['optimizer']> = { className: optimizer.getClassName() };
  if (typeof fields.learningRate === 'number') summary.learningRate = fields.learningRate;
  if (typeof fields.momentum === 'number') summary.momentum = fields.momentum;
  return summary;
}

interface LayerConfig {
  units?: number;
  filters?: number;
  activation?: string;
  useBias?: boolean;
  kernelInitializer?: { className?: string } | null;
  kernelRegularizer?: unknown;
  biasRegularizer?: unknown;
  rate?: number;
}

/**
 * The model as the static rules read it. The kernels' measured scales (kernelStd), taken only
 * before the model was ever trained, come through `reads`: at once, or on webgpu when the read
 * lands, after which `late` is called.
 */
export function summarizeModel(tf: Tf, model: tfType.LayersModel, previouslyTrained: boolean, reads: Readbacks, late: () => void): ModelSummary {
  const layers: LayerSummary[] = [];
  const kernels: Array<{ index: number; kernel: tfType.LayerVariable }> = [];
  for (const layer of model.layers) {
    let config: LayerConfig = {};
    try {
      config = layer.getConfig() as LayerConfig;
    } catch {
      // Some custom layers cannot serialize their config; they are summarized by class only.
    }
    const summary: LayerSummary = {
      name: layer.name,
      className: layer.getClassName(),
      trainable: layer.trainable,
      params: safeCount(layer),
      trainableParams: layer.trainableWeights.reduce((n, w) => n + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0),
    };
    const units = config.units ?? config.filters;
    if (typeof units === 'number') summary.units = units;
    if (typeof config.activation === 'string') summary.activation = config.activation;
    if (typeof config.useBias === 'boolean') summary.useBias = config.useBias;
    if (config.kernelInitializer?.className) summary.kernelInitializer = config.kernelInitializer.className;
    if (config.kernelRegularizer) summary.hasKernelRegularizer = true;
    if (config.biasRegularizer) summary.hasBiasRegularizer = true;
    if (typeof config.rate === 'number') summary.rate = config.rate;
    const kernel = layer.weights.find((w) => /kernel$/.test(w.originalName ?? w.name) && w.shape.length >= 2);
    if (kernel) {
      const shape = kernel.shape as number[];
      const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
      summary.fanIn = receptive * shape[shape.length - 2]!;
      summary.fanOut = receptive * shape[shape.length - 1]!;
      if (!previouslyTrained) kernels.push({ index: layers.length, kernel });
    }
    layers.push(summary);
  }
  if (kernels.length) {
    const packed = tf.tidy(() => tf.stack(kernels.map(({ kernel }) => tf.moments(kernel.read()).variance.sqrt())));
    const synchronous = reads.synchronous;
    reads.read('kernel scales', [packed], ([stds]) => {
      kernels.forEach(({ index }, i) => (layers[index]!.kernelStd = stds![i]!));
      if (!synchronous) late();
    });
  }
  const losses = lossNames(model);
  const optimizer = optimizerSummary(model);
  return {
    name: model.name,
    layers,
    losses: losses.names,
    ...(losses.source ? { customLossSource: losses.source } : {}),
    ...(optimizer ? { optimizer } : {}),
    trainableParams: layers.reduce((n, l) => n + l.trainableParams, 0),
    totalParams: layers.reduce((n, l) => n + l.params, 0),
    previouslyTrained,
  };
}

function safeCount(layer: tfType.layers.Layer): number {
  try {
    return layer.countParams();
  } catch {
    return 0;
  }
}

/** The first tensor of a tensor, an array of tensors or a map of them (fit's x/y, a batch's xs/ys). */
export function firstTensor(value: FitObservation['x']): tfType.Tensor | undefined {
  if (!value) return undefined;
  if (Array.isArray(value)) return value[0];
  if (typeof (value as tfType.Tensor).dataSync === 'function') return value as tfType.Tensor;
  return Object.values(value as Record<string, tfType.Tensor>)[0];
}

export function summarizeFit(observation: FitObservation): FitSummary {
  const args = observation.args;
  const x = firstTensor(observation.x);
  const summary: FitSummary = {
    kind: observation.dataset ? 'fitDataset' : 'fit',
    shuffle: args.shuffle === undefined ? true : Boolean(args.shuffle),
    hasValidation: Boolean(args.validationData) || (typeof args.validationSplit === 'number' && args.validationSplit > 0),
  };
  if (typeof args.epochs === 'number') summary.epochs = args.epochs;
  if (observation.dataset) {
    if (typeof args.batchesPerEpoch === 'number') summary.samples = undefined;
  } else summary.batchSize = typeof args.batchSize === 'number' ? args.batchSize : 32;
  if (typeof args.validationSplit === 'number' && args.validationSplit > 0) summary.validationSplit = args.validationSplit;
  if (x) {
    const rows = x.shape[0] ?? 0;
    summary.samples = summary.validationSplit ? Math.floor(rows * (1 - summary.validationSplit)) : rows;
    if (summary.validationSplit) summary.validationSamples = rows - summary.samples;
  }
  const validationData = args.validationData;
  if (Array.isArray(validationData)) {
    const validationX = firstTensor(validationData[0] as FitObservation['x']);
    if (validationX) summary.validationSamples = validationX.shape[0] ?? 0;
  }
  return summary;
}
