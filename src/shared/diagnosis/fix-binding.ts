// Fixes written against the user's own code (issue 22): a rule's fix code names `$model`, `$x`,
// `$y`, `$optimizer` and `$fit`; the kernel tells which notebook globals hold the model, the data
// and the optimizer of the fit, and the text of the fit call, and the engine substitutes them. A
// fix that names something no global holds is not offered as code: it says why instead, so
// "Insert fix as new cell" never inserts a placeholder that throws ReferenceError.
import type { FixBindings, ModelSummary } from './types';

const TOKEN = /\$(model|x|y|optimizer|fit)\b/g;

const WHAT: Record<string, string> = {
  model: 'the model',
  x: 'the training inputs',
  y: 'the training targets',
  optimizer: 'the optimizer',
  fit: 'the training call (model.fit with the data held in notebook variables)',
};

export interface BoundFix {
  code?: string;
  /** What could not be bound, for the user ("the training inputs"). */
  missing: string[];
}

export function bindFixCode(code: string | undefined, bindings: FixBindings | undefined): BoundFix {
  if (!code) return { missing: [] };
  const missing = new Set<string>();
  const bound = code.replace(TOKEN, (_match, name: string) => {
    const value = name === 'optimizer' ? (bindings?.optimizer ?? (bindings?.model ? `${bindings.model}.optimizer` : undefined)) : bindings?.[name as keyof FixBindings];
    if (value === undefined) {
      missing.add(WHAT[name]!);
      return `$${name}`;
    }
    return value;
  });
  return missing.size ? { missing: [...missing] } : { code: bound, missing: [] };
}

/** The sentence a fix gets instead of code it could not bind. */
export function unboundNote(missing: readonly string[]): string {
  return `(No code to insert: Lossbook could not tell which notebook variable holds ${missing.join(' or ')} — apply the fix in your own code.)`;
}

/** An optimizer constructor call for the model's optimizer class at a new learning rate. */
export function optimizerCall(model: ModelSummary | undefined, learningRate: number): string {
  const name = model?.optimizer?.className;
  const rate = Number(learningRate.toPrecision(2));
  switch (name) {
    case 'SGD':
      return `tf.train.sgd(${rate})`;
    case 'Momentum':
      return `tf.train.momentum(${rate}, ${model?.optimizer?.momentum ?? 0.9})`;
    case 'RMSProp':
      return `tf.train.rmsprop(${rate})`;
    case 'Adagrad':
      return `tf.train.adagrad(${rate})`;
    case 'Adamax':
      return `tf.train.adamax(${rate})`;
    default:
      return `tf.train.adam(${rate})`;
  }
}

/**
 * Retrain the same architecture from fresh weights (the trained ones are already damaged: NaN,
 * dead units, saturated) with the same loss and metrics unless overridden, then repeat the
 * user's fit call. `prepare` runs first (e.g. rescale the data); `change` edits the rebuilt
 * model's configuration (the layers' JSON config) before compiling.
 */
export function retrainCode(options: { optimizer?: string; loss?: string; prepare?: string; change?: string; fit?: string; why: string }): string {
  const lines = [`// ${options.why}`];
  if (options.prepare) lines.push(options.prepare);
  lines.push(
    '{',
    '  // Same architecture, fresh weights; same loss and metrics as before.',
    '  const { loss, metrics } = $model;',
    '  const topology = $model.toJSON(null, false);',
  );
  if (options.change) lines.push(`  ${options.change.split('\n').join('\n  ')}`);
  lines.push(
    '  $model = await tf.models.modelFromJSON({ modelTopology: topology });',
    `  $model.compile({ optimizer: ${options.optimizer ?? 'tf.train.adam(1e-3)'}, loss: ${options.loss ?? 'loss'}, metrics });`,
    '}',
    `${options.fit ?? '$fit'};`,
  );
  return lines.join('\n');
}

// Snippets that edit the serialized topology (snake_case keys, as tfjs writes them) in retrainCode's `change`.
/** `head`: the config of the last layer with units (the output layer). */
export const OUTPUT_LAYER = 'const head = [...topology.config.layers].reverse().find((layer) => layer.config.units !== undefined).config;';
/** `hidden`: configs of every layer with units except the output one. */
export const HIDDEN_LAYERS = 'const withUnits = topology.config.layers.filter((layer) => layer.config.units !== undefined);\nconst hidden = withUnits.slice(0, -1).map((layer) => layer.config);';

/** Standardize a tensor held in a global, or scale non-negative data by its maximum (pixels). */
export function rescaleCode(name: '$x' | '$y', range: { min: number; max: number }): string {
  if (range.min >= 0 && range.max > 1 && range.max <= 255) return `${name} = ${name}.div(${Number(range.max.toPrecision(6))}); // measured range ${range.min} … ${range.max}`;
  return `${name} = tf.tidy(() => {\n  const { mean, variance } = tf.moments(${name}, 0);\n  return ${name}.sub(mean).div(variance.sqrt().add(1e-7));\n}); // measured range ${Number(range.min.toPrecision(4))} … ${Number(range.max.toPrecision(4))}`;
}

/** A usual learning rate for the optimizer class (adaptive ones 1e-3, SGD 1e-2). */
export function usualLearningRate(model: ModelSummary | undefined): number {
  return /^(SGD|Momentum)$/.test(model?.optimizer?.className ?? '') ? 0.01 : 1e-3;
}

/** The current learning rate scaled by `factor`, kept inside the usual range's decade. */
export function scaledLearningRate(model: ModelSummary | undefined, factor: number): number {
  const lr = model?.optimizer?.learningRate;
  return lr && lr > 0 ? lr * factor : usualLearningRate(model);
}

/** Retrain with the learning rate scaled by `factor` (same optimizer class, fresh weights). */
export function learningRateFix(model: ModelSummary | undefined, factor: number, why: string): string {
  const rate = scaledLearningRate(model, factor);
  return retrainCode({ optimizer: optimizerCall(model, rate), why: `${why} (learning rate ${Number(rate.toPrecision(2))}; lossbook.checks.lrRangeTest($model, $x, $y) finds the best for this model)` });
}
