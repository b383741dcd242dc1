// Does the model fit the task? Static and data checks of the output head and the loss against
// the targets actually passed to fit — fault classes of the taxonomy of real faults (Humbatova et
// al., ICSE 2020: "wrong activation of the last layer", "wrong loss function", "wrong data
// preprocessing") and of the StackOverflow benchmarks (DeepFD, DeepLocalize), beyond the seeds.
import { NO_GRADIENT, NOT_LEARNING, OVERSHOOTING, SATURATION } from './causality';
import { normalizedLoss, outputHead } from './model-shape';
import { formatNumber } from './stats';
import { OUTPUT_LAYER, optimizerCall, rescaleCode, retrainCode } from './fix-binding';
import { defineRule, type Rule } from './types';

const REGRESSION_LOSSES = new Set(['mse', 'mae', 'meansquaredlogarithmicerror', 'huberloss', 'logcosh', 'absolutedifference', 'meansquarederror', 'meanabsoluteerror', 'meanabsolutepercentageerror', 'mape', 'msle']);
const isRegressionLoss = (loss: string): boolean => REGRESSION_LOSSES.has(normalizedLoss(loss));

/** The interval an output activation can produce. */
const ACTIVATION_RANGE: Record<string, [number, number]> = {
  sigmoid: [0, 1],
  hardSigmoid: [0, 1],
  softmax: [0, 1],
  tanh: [-1, 1],
  softsign: [-1, 1],
  relu: [0, Number.POSITIVE_INFINITY],
  relu6: [0, 6],
  softplus: [0, Number.POSITIVE_INFINITY],
  elu: [-1, Number.POSITIVE_INFINITY],
  selu: [-1.7581, Number.POSITIVE_INFINITY],
};

const outputRange = defineRule({
  id: 'model.output-range',
  family: 'data',
  severity: 'error',
  title: 'The output activation cannot reach the targets',
  thresholds: { tolerance: 1e-6 },
  explanation:
    'A regression loss compares the output with the targets, but the last layer squashes its output into a range the targets leave: sigmoid/softmax give 0…1, tanh −1…1, relu ≥ 0. Every target outside that range stays unreachable, the output saturates at the bound and the loss stops falling far from zero.',
  fix: {
    text: 'Use a linear last layer for regression (or scale the targets into the activation\'s range and scale predictions back).',
    code: retrainCode({ change: `${OUTPUT_LAYER}\nhead.activation = 'linear';`, why: 'A linear output can reach every target.' }),
  },
  source: 'Humbatova et al. 2020 (wrong activation of the last layer); DeepFD; seed 002 #4',
  explains: [...SATURATION, ...NO_GRADIENT, ...NOT_LEARNING],
  check({ model, data }) {
    const y = data?.y;
    if (!model || !y || !Number.isFinite(y.min) || !Number.isFinite(y.max)) return [];
    if (!model.losses.some(isRegressionLoss)) return [];
    const head = outputHead(model);
    const range = ACTIVATION_RANGE[head.activation];
    if (!range) return [];
    const [low, high] = range;
    const t = this.thresholds.tolerance;
    if (y.min >= low - t && y.max <= high + t) return [];
    return [
      {
        summary: `targets range ${formatNumber(y.min)} … ${formatNumber(y.max)} but the ${head.activation} output of ${head.layer?.name ?? 'the model'} only reaches ${formatNumber(low)} … ${formatNumber(high)}`,
        values: { targetMin: y.min, targetMax: y.max, activation: head.activation, low, high: Number.isFinite(high) ? high : null, loss: model.losses[0] ?? null },
        layer: head.layer?.name,
      },
    ];
  },
});

const lossTaskMismatch = defineRule({
  id: 'model.loss-task-mismatch',
  family: 'data',
  severity: 'warning',
  title: 'The loss does not suit the task',
  thresholds: { multiLabelShare: 0.05 },
  explanation:
    'Classification targets with a regression loss (MSE/MAE on one-hot or 0/1 labels) give tiny, flat gradients once the output saturates, so training crawls; one-hot softmax with targets that mark several classes per row (multi-label) forces the classes to compete for one unit of probability.',
  fix: {
    text: 'Single-label classes: softmax + categoricalCrossentropy (one-hot) or sparseCategoricalCrossentropy (ids). Several labels per row: one sigmoid per label + binaryCrossentropy.',
  },
  source: 'Humbatova et al. 2020 (wrong loss function); DeepFD (loss); seed 000',
  explains: [...NOT_LEARNING, ...NO_GRADIENT, 'output.saturated', 'loss.saturated', 'data.label-out-of-range'],
  // MSE on 0/1 targets does train; it is a fault when training shows it.
  needsSymptom: (finding) => finding.evidence.values.kind === 'regression-loss',
  check({ model, data }) {
    const labels = data?.labels;
    if (!model || !labels) return [];
    const head = outputHead(model);
    const loss = normalizedLoss(model.losses[0] ?? '');
    if (isRegressionLoss(loss) && (labels.encoding === 'one-hot' || (labels.encoding === 'binary' && head.activation === 'sigmoid')))
      return [
        {
          summary: `${model.losses[0]} on ${labels.encoding} classification targets (${labels.columns} column${labels.columns > 1 ? 's' : ''}) with a ${head.activation} output`,
          values: { loss: model.losses[0] ?? null, encoding: labels.encoding, kind: 'regression-loss' },
          layer: head.layer?.name,
          fixCode: labels.encoding === 'one-hot'
            ? retrainCode({ change: `${OUTPUT_LAYER}\nhead.activation = 'softmax';`, loss: "'categoricalCrossentropy'", why: 'Softmax with categorical cross-entropy for one-hot classes.' })
            : retrainCode({ loss: "'binaryCrossentropy'", why: 'Binary cross-entropy for 0/1 targets.' }),
        },
      ];
    const softmaxLoss = loss === 'categoricalcrossentropy' || head.activation === 'softmax';
    if (softmaxLoss && labels.columns > 1 && labels.rowSumsOff / Math.max(1, labels.rows) > this.thresholds.multiLabelShare && labels.maxLabel <= 1 && labels.minLabel >= 0)
      return [
        {
          summary: `${labels.rowSumsOff} of ${labels.rows} target rows mark more or fewer than one class, but the ${head.activation} output with ${model.losses[0]} assumes exactly one`,
          values: { rowsOff: labels.rowSumsOff, rows: labels.rows, loss: model.losses[0] ?? null, kind: 'multi-label' },
          severity: 'error',
          layer: head.layer?.name,
          fixCode: retrainCode({ change: `${OUTPUT_LAYER}\nhead.activation = 'sigmoid';`, loss: "'binaryCrossentropy'", why: 'Several labels per row: one sigmoid per label with binary cross-entropy.' }),
        },
      ];
    return [];
  },
});

const unscaledTargets = defineRule({
  id: 'data.unscaled-targets',
  family: 'data',
  severity: 'warning',
  title: 'Regression targets are not scaled',
  thresholds: { maxAbs: 100, maxStd: 100, strongAbs: 10_000 },
  explanation:
    'Targets in the hundreds or thousands (prices, counts, timestamps) make the MSE and its gradients huge at the start: with SGD the first steps overshoot and explode; with Adam the output has to grow by orders of magnitude one small step at a time, so the loss falls very slowly and the weights end up badly scaled.',
  fix: { text: 'Standardize the targets with training-set statistics and un-scale the predictions (prediction × std + mean).' },
  source: 'Humbatova et al. 2020 (missing normalization of the targets); tfjs-examples boston-housing',
  explains: [...OVERSHOOTING, ...NOT_LEARNING, ...NO_GRADIENT, 'update.ratio', 'act.dead-relu'],
  needsSymptom(finding) {
    return Number(finding.evidence.values.maxAbs) < this.thresholds.strongAbs;
  },
  check({ model, data }) {
    const y = data?.y;
    if (!model || !y || data?.labels || !Number.isFinite(y.max)) return [];
    if (!model.losses.some(isRegressionLoss) || outputHead(model).activation !== 'linear') return [];
    const maxAbs = Math.max(Math.abs(y.min), Math.abs(y.max));
    const t = this.thresholds;
    if (maxAbs > t.maxAbs || y.std > t.maxStd)
      return [
        {
          summary: `targets range ${formatNumber(y.min)} … ${formatNumber(y.max)} (mean ${formatNumber(y.mean)}, std ${formatNumber(y.std)})`,
          values: { min: y.min, max: y.max, mean: y.mean, std: y.std, maxAbs },
          fixCode: retrainCode({ prepare: rescaleCode('$y', y), optimizer: optimizerCall(model, model.optimizer?.learningRate ?? 1e-3), why: 'Standardized targets (un-scale predictions with the same mean and std).' }),
        },
      ];
    return [];
  },
});

const constantTargets = defineRule({
  id: 'data.constant-targets',
  family: 'data',
  severity: 'error',
  title: 'Every target is the same',
  thresholds: { minRows: 8 },
  explanation:
    'All targets passed to fit hold one value (or one class). There is nothing to learn: the model predicts that value and the loss drops to its floor at once. Usually a preprocessing bug collapsed them — an integer division, a normalization by the wrong statistic, labels overwritten in a loop.',
  fix: { text: 'Print a few targets before fit ($y.slice(0, 10).print()) and trace the preprocessing that produced them.' },
  source: 'Humbatova et al. 2020 (wrong labels / preprocessing); DeepFD',
  explains: ['loss.zero-early', 'metric.too-good', 'data.class-imbalance', ...NOT_LEARNING, ...NO_GRADIENT],
  check({ data }) {
    const y = data?.y;
    if (!y || (data?.sampledRows ?? 0) < this.thresholds.minRows || y.nan + y.infinite > 0) return [];
    const labels = data?.labels;
    const classes = labels ? labels.classCounts.filter((c) => c > 0).length : undefined;
    if (y.std === 0 || (labels && classes === 1 && labels.encoding !== 'probabilities' && labels.rows >= this.thresholds.minRows))
      return [{ summary: `all ${data!.sampledRows} sampled targets equal ${formatNumber(y.std === 0 ? y.min : labels!.classCounts.findIndex((c) => c > 0))}${labels ? ' (one class)' : ''}`, values: { value: y.min, std: y.std, rows: data!.sampledRows } }];
    return [];
  },
});

/** log() of something that can reach 0 with no epsilon or clip in sight. */
const UNGUARDED_LOG = /\b(?:tf\.log|\.log)\(/;
const GUARD = /clipByValue|\.clip\(|epsilon|EPSILON|1e-\d+|\.maximum\(|tf\.maximum\(|log1p|logSoftmax|logSigmoid|softplus/;

const customUnsafeLog = defineRule({
  id: 'loss.custom-unsafe-log',
  family: 'static',
  severity: 'warning',
  title: 'Custom loss takes a log without an epsilon',
  thresholds: {},
  explanation:
    'A hand-written cross-entropy computes log(p) (or log(1 − p)); as soon as a predicted probability reaches exactly 0 or 1 — which sigmoid/softmax do in float32 for confident predictions — the loss is −Infinity·0 = NaN and the next update writes NaN into every weight. The built-in losses clip p to [1e-7, 1 − 1e-7] for this reason.',
  fix: { text: 'Clip the probabilities before the log — tf.log(tf.clipByValue(p, 1e-7, 1 - 1e-7)) — or use the built-in binaryCrossentropy/categoricalCrossentropy.' },
  source: 'seed 002 #13 (Nan: log(0)); aymericdamien/TensorFlow-Examples#383 (cross-entropy written as y·log(pred) turns NaN)',
  explains: ['loss.nan', 'loss.exploding', 'grad.exploding', ...NO_GRADIENT, ...NOT_LEARNING],
  check({ model }) {
    const source = model?.customLossSource;
    if (!source || !UNGUARDED_LOG.test(source) || GUARD.test(source)) return [];
    const head = outputHead(model);
    const builtIn = head.activation === 'sigmoid' ? 'binaryCrossentropy' : head.activation === 'softmax' ? 'categoricalCrossentropy' : undefined;
    return [
      {
        summary: `the custom loss calls log() with no clip or epsilon: ${source.replace(/\s+/g, ' ').slice(0, 120)}`,
        values: { unguardedLog: true },
        ...(builtIn ? { fixCode: retrainCode({ loss: `'${builtIn}'`, optimizer: optimizerCall(model, model.optimizer?.learningRate ?? 1e-3), why: `The built-in ${builtIn} clips the probabilities before the log.` }) } : {}),
      },
    ];
  },
});

export const taskRules: Rule[] = [outputRange, lossTaskMismatch, unscaledTargets, constantTargets, customUnsafeLog];
