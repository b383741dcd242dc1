// Reading a model summary the way the static rules need it: which layers compute (Dense, Conv),
// which only pass values through, and what the output head is (units + final activation).
import type { LayerSummary, ModelSummary } from './types';

const WEIGHTED = /^(Dense|Conv1D|Conv2D|Conv3D|Conv2DTranspose|Conv3DTranspose|SeparableConv2D|DepthwiseConv2D|SimpleRNN|LSTM|GRU)$/;
const CONV = /^(Conv1D|Conv2D|Conv3D|Conv2DTranspose|SeparableConv2D|DepthwiseConv2D)$/;
/** Layers that neither compute a new representation nor change the nonlinearity. */
const PASS_THROUGH = /^(Dropout|SpatialDropout1D|SpatialDropout2D|AlphaDropout|GaussianDropout|GaussianNoise|Flatten|Reshape|Permute|InputLayer|RepeatVector)$/;
const NORMALIZATION = /^(BatchNormalization|LayerNormalization)$/;

export const isWeighted = (layer: LayerSummary): boolean => WEIGHTED.test(layer.className);
export const isConv = (layer: LayerSummary): boolean => CONV.test(layer.className);
export const isPassThrough = (layer: LayerSummary): boolean => PASS_THROUGH.test(layer.className);
export const isNormalization = (layer: LayerSummary): boolean => NORMALIZATION.test(layer.className);
export const isDropout = (layer: LayerSummary): boolean => /Dropout$/.test(layer.className);

/** The activation a standalone activation layer applies (Activation, ReLU, Softmax, …). */
export function standaloneActivation(layer: LayerSummary): string | undefined {
  switch (layer.className) {
    case 'Activation':
      return layer.activation;
    case 'ReLU':
      return 'relu';
    case 'LeakyReLU':
      return 'leakyrelu';
    case 'ELU':
      return 'elu';
    case 'Softmax':
      return 'softmax';
    case 'ThresholdedReLU':
      return 'relu';
    default:
      return undefined;
  }
}

export interface OutputHead {
  /** The last computing layer (Dense/Conv) and its index. */
  layer?: LayerSummary;
  index: number;
  units?: number;
  /** The activation finally applied to the model output. */
  activation: string;
  /** Every activation from the last computing layer to the output, in order (to spot doubles). */
  activations: string[];
}

export function outputHead(model: ModelSummary): OutputHead {
  const layers = model.layers;
  const trailing: string[] = [];
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    const standalone = standaloneActivation(layer);
    if (standalone) {
      trailing.unshift(standalone);
      continue;
    }
    if (isPassThrough(layer) || isNormalization(layer)) continue;
    if (isWeighted(layer)) {
      const own = layer.activation ?? 'linear';
      const activations = [own, ...trailing].filter((a) => a !== 'linear');
      return { layer, index: i, units: layer.units, activation: activations[activations.length - 1] ?? 'linear', activations };
    }
    break;
  }
  const activations = trailing.filter((a) => a !== 'linear');
  return { index: -1, activation: activations[activations.length - 1] ?? 'linear', activations };
}

/** Hidden computing layers: every Dense/Conv except the output one. */
export function hiddenWeighted(model: ModelSummary): LayerSummary[] {
  const head = outputHead(model);
  return model.layers.filter((layer, index) => isWeighted(layer) && index !== head.index);
}

/** The activation in effect after a computing layer: its own, or a standalone activation layer right after it. */
export function effectiveActivation(layers: readonly LayerSummary[], index: number): string {
  const own = layers[index]?.activation ?? 'linear';
  if (own !== 'linear') return own;
  for (let i = index + 1; i < layers.length; i++) {
    const layer = layers[i]!;
    const standalone = standaloneActivation(layer);
    if (standalone) return standalone;
    if (isPassThrough(layer) || isNormalization(layer)) continue;
    break;
  }
  return 'linear';
}

export function normalizedLoss(loss: string): string {
  const name = loss.replace(/__op$/, '').toLowerCase();
  if (name === 'mse' || name === 'meansquarederror' || name === 'mean_squared_error') return 'mse';
  if (name === 'mae' || name === 'meanabsoluteerror') return 'mae';
  if (name === 'kld' || name === 'kl' || name.includes('kullback')) return 'kld';
  return name;
}
