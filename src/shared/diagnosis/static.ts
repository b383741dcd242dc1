// Static checks (catalog §1): the model and its compile config, before the first step.
import { explainsWhen, initTooLarge, lrTooHigh, lrWithinTenfold, NO_GRADIENT, NOT_LEARNING, OVERSHOOTING, SATURATION, updateRatioFits, updatesTooSmall } from './causality';
import { defineRule, type Rule, type RuleHit } from './types';
import {
  effectiveActivation,
  hiddenWeighted,
  isConv,
  isDropout,
  isNormalization,
  isPassThrough,
  isWeighted,
  normalizedLoss,
  outputHead,
  standaloneActivation,
} from './model-shape';
import { formatNumber } from './stats';
import { HIDDEN_LAYERS, OUTPUT_LAYER, optimizerCall, retrainCode, usualLearningRate } from './fix-binding';

const softmaxSingleUnit = defineRule({
  id: 'model.softmax-single-unit',
  family: 'static',
  severity: 'error',
  title: 'Softmax over a single unit always outputs 1',
  thresholds: {},
  explanation:
    'Softmax normalizes across units; with one unit the output is exp(z)/exp(z) = 1 for every input, so the prediction never changes, the gradient is zero and the loss is 0 or constant from the first step.',
  fix: {
    text: 'For two classes use one sigmoid unit with binaryCrossentropy, or two softmax units with one-hot labels.',
    code: retrainCode({ change: `${OUTPUT_LAYER}\nhead.units = 1;\nhead.activation = 'sigmoid';`, loss: "'binaryCrossentropy'", why: 'Two classes: one sigmoid unit with binary cross-entropy.' }),
  },
  source: 'seed 001 ("train loss is 0 from the first step"); UMLAUT',
  explains: ['loss.saturated', 'loss.zero-early', ...NO_GRADIENT, ...NOT_LEARNING],
  check({ model }) {
    if (!model) return [];
    const head = outputHead(model);
    if (head.units === 1 && head.activation === 'softmax')
      return [{ summary: `output layer ${head.layer?.name} has 1 unit with softmax`, values: { units: 1, activation: 'softmax', where: 'layer' }, layer: head.layer?.name }];
    // The same bug inside the loss: softmax cross-entropy over one logit (seed 001's TF case).
    const lossSoftmax = model.losses.find((l) => normalizedLoss(l) === 'softmaxcrossentropy') ?? (/softmaxCrossEntropy/.test(model.customLossSource ?? '') ? 'custom' : undefined);
    if (head.units === 1 && lossSoftmax)
      return [{ summary: `output layer ${head.layer?.name} has 1 unit and the loss (${lossSoftmax}) applies softmax over it`, values: { units: 1, activation: 'softmax', where: 'loss' }, layer: head.layer?.name }];
    return [];
  },
});

const LOSS_EXPECTS: Record<string, { wants: string[]; rejects: string[]; label: string }> = {
  binarycrossentropy: { wants: ['sigmoid'], rejects: ['softmax', 'linear', 'relu', 'tanh'], label: 'one sigmoid output per label (probabilities)' },
  categoricalcrossentropy: { wants: ['softmax'], rejects: ['sigmoid', 'linear', 'relu', 'tanh'], label: 'a softmax output (probabilities over classes)' },
  sparsecategoricalcrossentropy: { wants: ['softmax'], rejects: ['sigmoid', 'linear', 'relu', 'tanh'], label: 'a softmax output (probabilities over classes)' },
  logloss: { wants: ['sigmoid'], rejects: ['softmax', 'linear', 'relu', 'tanh'], label: 'sigmoid probabilities' },
  mse: { wants: [], rejects: ['softmax'], label: 'a regression head (linear output)' },
  mae: { wants: [], rejects: ['softmax'], label: 'a regression head (linear output)' },
};

const lossActivationMismatch = defineRule({
  id: 'model.loss-activation-mismatch',
  family: 'static',
  severity: 'error',
  title: 'Loss does not match the output activation',
  thresholds: {},
  explanation:
    'Each loss assumes a kind of output: binaryCrossentropy wants sigmoid probabilities, categorical/sparse cross-entropy want softmax probabilities, MSE wants an unbounded regression output. tfjs clips probabilities to [1e-7, 1−1e-7], so a linear or relu output fed to a cross-entropy saturates the loss (≈16.12) and the gradient vanishes; MSE on a softmax head learns very slowly.',
  fix: {
    text: 'Pair them: sigmoid + binaryCrossentropy, softmax + categoricalCrossentropy (one-hot) or sparseCategoricalCrossentropy (class ids), linear + meanSquaredError.',
    code: retrainCode({ change: `${OUTPUT_LAYER}\nhead.activation = 'softmax';`, why: 'A softmax output for the cross-entropy over classes.' }),
  },
  source: 'seed 000 (wrong cross-entropy variant); seed 002 #4',
  explains: ['loss.saturated', 'loss.zero-early', 'loss.nan', 'kl.negative', ...NO_GRADIENT, ...NOT_LEARNING, 'act.dead-relu'],
  check({ model }) {
    if (!model) return [];
    const head = outputHead(model);
    const hits: RuleHit[] = [];
    for (const raw of model.losses) {
      const loss = normalizedLoss(raw);
      const expectation = LOSS_EXPECTS[loss];
      if (!expectation) continue;
      if (expectation.rejects.includes(head.activation) && !(head.units === 1 && head.activation === 'softmax'))
        hits.push({
          summary: `loss ${raw} with ${head.activation} output (${head.units ?? '?'} units); it expects ${expectation.label}`,
          values: { loss: raw, outputActivation: head.activation, units: head.units ?? null },
          layer: head.layer?.name,
          fixCode: retrainCode({ change: `${OUTPUT_LAYER}\nhead.activation = '${expectation.wants[0] ?? 'linear'}';`, why: `A ${expectation.wants[0] ?? 'linear'} output for ${raw}.` }),
        });
    }
    return hits;
  },
});

const doubleSoftmax = defineRule({
  id: 'model.double-softmax',
  family: 'static',
  severity: 'error',
  title: 'Softmax is applied twice',
  thresholds: {},
  explanation:
    'The output already goes through softmax and then a softmax (or log-softmax) is applied again — by a second softmax layer, or by a loss that expects logits such as tf.losses.softmaxCrossEntropy. Softmax of probabilities is nearly uniform, so the loss sits near ln C and gradients shrink.',
  fix: {
    text: "Keep one: either a linear output with tf.losses.softmaxCrossEntropy, or a softmax output with 'categoricalCrossentropy'.",
    code: retrainCode({ loss: "'categoricalCrossentropy'", why: 'Keep the softmax layer; use the loss that expects probabilities.' }),
  },
  source: 'seed 002 #4, #20; seed 000',
  explains: [...NO_GRADIENT, ...NOT_LEARNING],
  check({ model }) {
    if (!model) return [];
    const head = outputHead(model);
    const softmaxCount = head.activations.filter((a) => a === 'softmax').length;
    if (softmaxCount >= 2) return [{ summary: `softmax applied ${softmaxCount} times at the output (${head.activations.join(' → ')})`, values: { softmaxCount }, layer: head.layer?.name, fixCode: retrainCode({ change: `${OUTPUT_LAYER}\nhead.activation = 'linear'; // the softmax layer after it stays`, why: 'One softmax: the layer after the logits.' }) }];
    if (head.activation === 'softmax' || head.activation === 'sigmoid') {
      for (const raw of model.losses) {
        const loss = normalizedLoss(raw);
        const source = model.customLossSource ?? '';
        const lossAppliesSoftmax = loss === 'softmaxcrossentropy' || loss === 'sigmoidcrossentropy' || /softmaxCrossEntropy|sigmoidCrossEntropy|logSoftmax|\.softmax\(/.test(source);
        if (lossAppliesSoftmax)
          return [
            {
              summary: `output activation ${head.activation} and the loss (${raw}) applies ${/sigmoid/i.test(raw + source) ? 'sigmoid' : 'softmax'} again`,
              values: { loss: raw, outputActivation: head.activation },
              layer: head.layer?.name,
            },
          ];
      }
    }
    return [];
  },
});

const missingActivation = defineRule({
  id: 'model.missing-activation',
  family: 'static',
  severity: 'warning',
  title: 'Consecutive linear layers collapse into one',
  thresholds: {},
  explanation:
    'Two Dense/Conv layers with no nonlinearity between them compute one linear map (W2·(W1·x) = W·x): the extra layer adds parameters but no capacity. tfjs layers default to activation "linear", so forgetting `activation` is easy.',
  fix: { text: 'Add a nonlinearity (relu, elu, selu) to the hidden layers.', code: retrainCode({ change: `${HIDDEN_LAYERS}\nfor (const layer of hidden) if (layer.activation === 'linear') layer.activation = 'relu';`, why: 'A nonlinearity on every hidden layer.' }) },
  source: 'UMLAUT; seed 003 (activation functions)',
  explains: [...NOT_LEARNING],
  check({ model }) {
    if (!model) return [];
    const layers = model.layers;
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i]!;
      if (!isWeighted(layer) || effectiveActivation(layers, i) !== 'linear') continue;
      const next = layers.slice(i + 1).find((l) => !isPassThrough(l));
      if (next && isWeighted(next))
        return [{ summary: `${layer.name} (linear) feeds ${next.name} with no activation between them`, values: { layers: [layer.name, next.name] }, layer: layer.name }];
    }
    return [];
  },
});

const activationBeforeOutput = defineRule({
  id: 'model.activation-before-output',
  family: 'static',
  severity: 'warning',
  title: 'ReLU on the output (logits) layer',
  thresholds: {},
  explanation:
    'The last layer computes logits (or a regression value); a relu there clips every negative logit to 0 before softmax/sigmoid, or makes a regression output unable to go below 0. Whole classes can stop receiving gradient.',
  fix: { text: 'Use a linear last layer before softmax/sigmoid, or put the probability activation directly on it.', code: retrainCode({ change: `${OUTPUT_LAYER}\nhead.activation = 'linear'; // the softmax after it stays`, why: 'Linear logits before the softmax.' }) },
  source: 'seed 002 #4',
  explains: [{ id: 'act.dead-relu', sameLayer: true }, 'loss.saturated', ...NO_GRADIENT, ...NOT_LEARNING],
  check({ model }) {
    if (!model) return [];
    const head = outputHead(model);
    const relu = head.activations.findIndex((a) => a === 'relu' || a === 'relu6');
    if (relu >= 0 && head.layer)
      return [{ summary: `output layer ${head.layer.name} applies ${head.activations.join(' → ')}`, values: { activations: head.activations }, layer: head.layer.name }];
    return [];
  },
});

const noBias = defineRule({
  id: 'model.no-bias',
  family: 'static',
  severity: 'warning',
  title: 'Hidden layer without bias',
  thresholds: {},
  explanation: 'Without a bias every hyperplane of the layer passes through the origin, which cuts capacity and often underfits — unless a BatchNormalization right after supplies the shift.',
  fix: { text: 'Leave useBias at its default (true), or add BatchNormalization after the layer.', code: retrainCode({ change: 'for (const layer of topology.config.layers) if (layer.config.use_bias === false) layer.config.use_bias = true;', why: 'Biases back on.' }) },
  source: 'seed 002 #18/#19 (biases)',
  explains: [...NOT_LEARNING],
  check({ model }) {
    if (!model) return [];
    const hits: RuleHit[] = [];
    const layers = model.layers;
    for (const layer of hiddenWeighted(model)) {
      if (layer.useBias !== false) continue;
      const index = layers.indexOf(layer);
      const next = layers.slice(index + 1).find((l) => !isPassThrough(l) && !standaloneActivation(l));
      if (next && isNormalization(next)) continue;
      hits.push({ summary: `${layer.name} (${layer.className}) has useBias: false and no normalization after it`, values: { useBias: false }, layer: layer.name });
    }
    return hits;
  },
});

const dropoutHigh = defineRule({
  id: 'model.dropout-high',
  family: 'static',
  severity: 'warning',
  title: 'Dropout rate too high (or dropout right after convolutions)',
  thresholds: { maxRate: 0.5 },
  explanation:
    'In tfjs `rate` is the fraction of units dropped. Above 0.5 most of the signal is removed at each step and the network underfits; right after convolution layers dropout tends to hurt, since conv layers have few parameters and spatially correlated features.',
  fix: { text: 'Keep dropout at 0.2–0.5 on dense layers; on conv layers use a small rate (0.1) or none.', code: retrainCode({ change: 'for (const layer of topology.config.layers) if (layer.class_name === \'Dropout\' && layer.config.rate > 0.5) layer.config.rate = 0.3;', why: 'Dropout rate 0.3.' }) },
  source: 'UMLAUT; seed 002 #15',
  explains: [...NOT_LEARNING, 'trend.val-gap', 'trend.data-problem'],
  check({ model }) {
    if (!model) return [];
    const hits: RuleHit[] = [];
    const layers = model.layers;
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i]!;
      if (!isDropout(layer) || layer.rate === undefined) continue;
      if (layer.rate > this.thresholds.maxRate) {
        hits.push({ summary: `${layer.name} drops ${Math.round(layer.rate * 100)}% of units (rate ${layer.rate} > ${this.thresholds.maxRate})`, values: { rate: layer.rate }, layer: layer.name });
        continue;
      }
      let previous = i - 1;
      while (previous >= 0 && standaloneActivation(layers[previous]!)) previous--;
      const before = layers[previous];
      if (before && isConv(before))
        hits.push({ summary: `${layer.name} (rate ${layer.rate}) follows convolution ${before.name}`, values: { rate: layer.rate, after: before.name }, layer: layer.name, severity: 'info' });
    }
    return hits;
  },
});

const bnSmallBatch = defineRule({
  id: 'model.bn-small-batch',
  family: 'static',
  severity: 'warning',
  title: 'BatchNormalization with a small batch',
  thresholds: { minBatch: 16 },
  explanation: 'BatchNormalization estimates mean and variance from each batch; below about 16 samples these estimates are noisy and accuracy drops sharply (Wu & He, Group Normalization).',
  fix: { text: 'Use a batch size of at least 16–32, or LayerNormalization, which does not depend on the batch.' },
  source: 'seed 002 #12',
  explains: ['loss.oscillating', 'trend.val-gap', 'loss.plateau', 'trend.stuck'],
  check({ model, fit }) {
    if (!model || !fit) return [];
    const bn = model.layers.find((l) => l.className === 'BatchNormalization');
    if (!bn) return [];
    const batch = Math.min(fit.batchSize ?? 32, fit.samples ?? Number.POSITIVE_INFINITY);
    const epochs = fit.epochs ?? 1;
    const fixCode = retrainCode({ optimizer: optimizerCall(model, model.optimizer?.learningRate ?? usualLearningRate(model)), fit: `await $model.fit($x, $y, { epochs: ${epochs}, batchSize: 32${fit.validationSplit ? `, validationSplit: ${fit.validationSplit}` : ''} })`, why: 'Batches of 32 for BatchNormalization.' });
    if (batch < this.thresholds.minBatch) return [{ summary: `batch size ${batch} < ${this.thresholds.minBatch} with ${bn.name}`, values: { batchSize: batch }, layer: bn.name, fixCode }];
    return [];
  },
});

const sigmoidDeep = defineRule({
  id: 'model.sigmoid-deep',
  family: 'static',
  severity: 'warning',
  title: 'Deep stack of sigmoid/tanh layers',
  thresholds: { minLayers: 4 },
  explanation:
    "sigmoid's derivative is at most 0.25 (tanh's at most 1 and much less when saturated); multiplied across many layers the gradient reaching the first layers vanishes (Glorot & Bengio 2010).",
  fix: { text: 'Use relu/elu with He initialization, or add BatchNormalization between layers.', code: retrainCode({ change: `${HIDDEN_LAYERS}\nfor (const layer of hidden) if (/sigmoid|tanh/.test(layer.activation)) Object.assign(layer, { activation: 'relu', kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 2, mode: 'fan_in', distribution: 'normal', seed: null } } });`, why: 'ReLU with He initialization instead of a deep sigmoid stack.' }) },
  source: 'seed 003 (vanishing/exploding gradients)',
  explains: [{ id: 'act.saturated', sameLayer: true }, { id: 'grad.vanishing', sameLayer: true }, ...NO_GRADIENT.slice(1), ...NOT_LEARNING],
  check({ model }) {
    if (!model) return [];
    if (model.layers.some(isNormalization)) return [];
    const layers = model.layers;
    const squashing = hiddenWeighted(model).filter((layer) => /^(sigmoid|tanh|hardSigmoid)$/.test(effectiveActivation(layers, layers.indexOf(layer))));
    if (squashing.length >= this.thresholds.minLayers)
      return [{ summary: `${squashing.length} hidden sigmoid/tanh layers without normalization`, values: { layers: squashing.map((l) => l.name) }, layer: squashing[0]!.name }];
    return [];
  },
});

const badInit = defineRule({
  id: 'model.bad-init',
  family: 'static',
  severity: 'warning',
  title: 'Poor weight initialization',
  thresholds: { maxRatio: 10, minRatio: 0.1 },
  explanation:
    'With all-zero (or constant) kernels every unit of a layer computes the same thing and gets the same gradient, so they never differentiate. Weights far larger or smaller than Glorot/He scale make activations and gradients explode or vanish layer by layer.',
  fix: { text: "Use the default glorotUniform, or heNormal for relu layers; don't initialize hidden kernels to zeros or a constant.", code: retrainCode({ change: `${HIDDEN_LAYERS}\nfor (const layer of withUnits) layer.config.kernel_initializer = { class_name: 'VarianceScaling', config: { scale: 2, mode: 'fan_in', distribution: 'normal', seed: null } };`, why: 'He initialization for every weighted layer.' }) },
  source: 'seed 002 #17 ("never initialize the weights to all zeros"); seed 003; SageMaker PoorWeightInitialization',
  // Zero/constant kernels: identical units, no gradient to the hidden layers; too large: saturation,
  // explosion, NaN; too small: vanishing signal.
  explains: [
    ...explainsWhen(['act.dead-relu', 'act.saturated'], () => true, true),
    ...explainsWhen([...NO_GRADIENT, ...NOT_LEARNING], (cause) => !initTooLarge(cause)),
    ...explainsWhen([...OVERSHOOTING, 'loss.saturated', 'update.ratio'], (cause) => initTooLarge(cause)),
  ],
  check({ model }) {
    if (!model || model.previouslyTrained) return [];
    const hits: RuleHit[] = [];
    for (const layer of hiddenWeighted(model)) {
      if (layer.kernelInitializer === 'Zeros' || layer.kernelInitializer === 'Constant' || layer.kernelInitializer === 'Ones') {
        hits.push({ summary: `${layer.name} kernel initializer is ${layer.kernelInitializer}`, values: { initializer: layer.kernelInitializer }, layer: layer.name });
        continue;
      }
      if (layer.kernelStd === undefined || !layer.fanIn || !layer.fanOut) continue;
      const glorot = Math.sqrt(2 / (layer.fanIn + layer.fanOut));
      const he = Math.sqrt(2 / layer.fanIn);
      const ratios = [layer.kernelStd / glorot, layer.kernelStd / he];
      const closest = ratios.reduce((best, r) => (Math.abs(Math.log(r || 1e-30)) < Math.abs(Math.log(best || 1e-30)) ? r : best));
      if (closest > this.thresholds.maxRatio || closest < this.thresholds.minRatio)
        hits.push({
          summary: `${layer.name} kernel std ${formatNumber(layer.kernelStd)} is ${formatNumber(closest)}× the Glorot/He scale (${formatNumber(glorot)}/${formatNumber(he)})`,
          values: { kernelStd: layer.kernelStd, glorotStd: glorot, heStd: he, ratio: closest },
          layer: layer.name,
        });
    }
    return hits;
  },
});

const allFrozen = defineRule({
  id: 'model.all-frozen',
  family: 'static',
  severity: 'error',
  title: 'No trainable weights',
  thresholds: {},
  explanation: 'Every layer is frozen (trainable: false), so fit runs but nothing can change: the loss stays where it started.',
  fix: { text: 'Set trainable = true on the layers meant to learn (and compile again).', code: '$model.layers.slice(-2).forEach((layer) => (layer.trainable = true));\n$model.compile({ optimizer: $optimizer, loss: $model.loss, metrics: $model.metrics });\n$fit;' },
  source: 'seed 003 (reusing pretrained layers, freezing)',
  explains: [...NO_GRADIENT, ...NOT_LEARNING, 'update.ratio'],
  check({ model }) {
    if (!model) return [];
    if (model.totalParams > 0 && model.trainableParams === 0)
      return [{ summary: `0 of ${model.totalParams} parameters are trainable`, values: { trainableParams: 0, totalParams: model.totalParams } }];
    return [];
  },
});

const plainSgd = defineRule({
  id: 'opt.plain-sgd',
  family: 'static',
  severity: 'info',
  title: 'Plain SGD on a deep network',
  thresholds: { minWeightedLayers: 3 },
  explanation: 'Vanilla SGD stalls at saddle points and on ill-conditioned valleys; momentum or an adaptive optimizer usually converges much faster on deep nets.',
  fix: { text: 'Use momentum 0.9 or Adam.', code: retrainCode({ optimizer: 'tf.train.adam(1e-3)', why: 'Adam instead of plain SGD.' }) },
  source: 'seed 002 #8; seed 003 (faster optimizers)',
  explains: [...NOT_LEARNING, ...explainsWhen(['update.ratio'], (_cause, symptom) => updatesTooSmall(symptom))],
  check({ model }) {
    if (!model?.optimizer || model.optimizer.className !== 'SGD') return [];
    const depth = model.layers.filter(isWeighted).length;
    if (depth >= this.thresholds.minWeightedLayers) return [{ summary: `SGD without momentum on ${depth} weighted layers`, values: { optimizer: 'SGD', weightedLayers: depth } }];
    return [];
  },
});

const lrOutOfRange = defineRule({
  id: 'opt.lr-out-of-range',
  family: 'static',
  severity: 'warning',
  title: 'Learning rate out of the usual range',
  thresholds: { adaptiveMax: 0.01, sgdMax: 1, min: 1e-7, adaptiveMin: 1e-5 },
  explanation:
    'Adaptive optimizers (Adam, RMSProp, Adamax) work around 1e-3; above 1e-2 they often diverge or kill ReLUs. SGD rarely works above 1. Below 1e-7 the weights effectively do not move.',
  fix: { text: 'Search the learning rate on a log scale (1e-4 … 1e-1) or run lossbook.checks.lrRangeTest(model, xs, ys).', code: 'model.compile({ optimizer: tf.train.adam(1e-3), loss });' },
  source: 'UMLAUT; seed 001 (tuning: search on a log scale); seed 002 #3',
  // Too high: overshooting, dead or saturated units; too low: nothing moves.
  explains: [
    ...explainsWhen([...OVERSHOOTING, ...SATURATION, 'grad.vanishing', 'weights.unchanged', 'trend.val-gap'], (cause) => lrTooHigh(cause)),
    ...explainsWhen(['update.ratio'], (cause, symptom) => updateRatioFits(lrTooHigh(cause), symptom)),
    ...explainsWhen([...NOT_LEARNING], () => true),
  ],
  // Within 10× of the usual range the rate is a risk, not a fault, until training shows it.
  needsSymptom: (finding) => lrWithinTenfold(finding),
  check({ model }) {
    const optimizer = model?.optimizer;
    if (!optimizer || optimizer.learningRate === undefined) return [];
    const lr = optimizer.learningRate;
    const adaptive = /^(Adam|Adamax|RMSProp)$/.test(optimizer.className);
    const max = adaptive ? this.thresholds.adaptiveMax : this.thresholds.sgdMax;
    const suggested = usualLearningRate(model);
    const fixCode = retrainCode({ optimizer: optimizerCall(model, suggested), why: `${optimizer.className} at ${formatNumber(suggested)}, the usual rate for it, instead of ${formatNumber(lr)} (lossbook.checks.lrRangeTest($model, $x, $y) finds the best one for this model)` });
    if (lr > max) return [{ summary: `${optimizer.className} learning rate ${formatNumber(lr)} > ${formatNumber(max)}`, values: { learningRate: lr, max, optimizer: optimizer.className }, fixCode }];
    // Adaptive optimizers normalize the step to ≈ lr per weight: below 1e-5 they barely move (fine-tuning lives at 1e-5…1e-4).
    const min = adaptive ? this.thresholds.adaptiveMin : this.thresholds.min;
    if (lr < min) return [{ summary: `${optimizer.className} learning rate ${formatNumber(lr)} < ${formatNumber(min)}`, values: { learningRate: lr, min, optimizer: optimizer.className }, fixCode }];
    return [];
  },
});

const biasRegularized = defineRule({
  id: 'opt.bias-regularized',
  family: 'static',
  severity: 'warning',
  title: 'Regularizer on biases',
  thresholds: {},
  explanation: 'Biases shift each hyperplane; penalizing them pulls the planes to the origin and shrinks capacity (underfitting) without reducing overfitting. Regularize kernels only.',
  fix: { text: 'Move the regularizer to kernelRegularizer.', code: retrainCode({ change: 'for (const layer of topology.config.layers) if (layer.config.bias_regularizer) Object.assign(layer.config, { kernel_regularizer: layer.config.kernel_regularizer ?? layer.config.bias_regularizer, bias_regularizer: null });', why: 'Regularize the kernels, not the biases.' }) },
  source: 'seed 002 #2',
  explains: [...NOT_LEARNING],
  check({ model }) {
    if (!model) return [];
    return model.layers.filter((l) => l.hasBiasRegularizer).map((layer) => ({ summary: `${layer.name} has a biasRegularizer`, values: { layer: layer.name }, layer: layer.name }));
  },
});

export const staticRules: Rule[] = [
  softmaxSingleUnit,
  lossActivationMismatch,
  doubleSoftmax,
  missingActivation,
  activationBeforeOutput,
  noBias,
  dropoutHigh,
  bnSmallBatch,
  sigmoidDeep,
  badInit,
  allFrozen,
  plainSgd,
  lrOutOfRange,
  biasRegularized,
];
