// Data checks (catalog §2): the x/y passed to fit — first batches and a bounded sample.
import { maxAbsOf, NO_GRADIENT, NOT_LEARNING, OVERSHOOTING, SATURATION } from './causality';
import { defineRule, type LabelStats, type Rule, type RuleHit } from './types';
import { effectiveActivation, isWeighted, normalizedLoss, outputHead } from './model-shape';
import { formatNumber, isClassificationLoss, percent } from './stats';
import { rescaleCode, retrainCode, optimizerCall, scaledLearningRate } from './fix-binding';

const nanInf = defineRule({
  id: 'data.nan-inf',
  family: 'data',
  severity: 'error',
  title: 'NaN or Inf in the training data',
  thresholds: {},
  explanation: 'One NaN in a batch makes that batch\'s loss and gradients NaN, and the next update spreads NaN through every weight. It usually comes from preprocessing: a division by a zero std, log(0), a missing value parsed as NaN.',
  fix: {
    text: 'Find and clean the rows (impute or drop), and check the preprocessing that produced them.',
  },
  source: 'seed 002 #13 (Nan); UMLAUT',
  explains: ['loss.nan', 'grad.exploding', 'loss.exploding', 'trend.diverging', ...NOT_LEARNING, ...NO_GRADIENT],
  check({ data, model }) {
    if (!data) return [];
    const hits: RuleHit[] = [];
    for (const [name, stats] of [['inputs', data.x], ['targets', data.y]] as const) {
      if (!stats) continue;
      const bad = stats.nan + stats.infinite;
      if (bad > 0)
        hits.push({
          summary: `${bad} non-finite values in the ${name} (${stats.nan} NaN, ${stats.infinite} Inf) of ${stats.count} ${stats.scannedWhole ? '' : 'sampled '}values`,
          values: { tensor: name, nan: stats.nan, infinite: stats.infinite, checked: stats.count },
          layer: name,
          fixCode: retrainCode({
            prepare: `${name === 'inputs' ? '$x' : '$y'} = tf.tidy(() => { const v = ${name === 'inputs' ? '$x' : '$y'}; const bad = tf.logicalOr(tf.isNaN(v), tf.isInf(v)); return tf.where(bad, tf.zerosLike(v), v); }); // impute the non-finite values with 0`,
            optimizer: optimizerCall(model, scaledLearningRate(model, 1)),
            why: 'Clean the data; the weights are already NaN, so train again from fresh weights.',
          }),
        });
    }
    return hits;
  },
});

const unnormalized = defineRule({
  id: 'data.unnormalized',
  family: 'data',
  severity: 'warning',
  title: 'Inputs are not normalized',
  // Beyond ±10 only squashing first layers (sigmoid/tanh) suffer; beyond ±100 every network does.
  thresholds: { maxAbs: 10, maxAbsMean: 5, maxStd: 10, largeAbs: 100, largeMean: 50, largeStd: 50 },
  explanation:
    'Inputs with large magnitudes (raw pixels 0–255, prices, timestamps) give huge pre-activations: sigmoid/tanh saturate, softmax overflows and the effective learning rate differs per feature by orders of magnitude.',
  fix: { text: 'Scale to [0, 1] or standardize each feature (zero mean, unit variance) using training-set statistics.', code: 'const { mean, variance } = tf.moments(xs, 0);\nconst xsNorm = xs.sub(mean).div(variance.sqrt().add(1e-7));' },
  source: 'seed 002 #5; UMLAUT; DeepDiagnosis',
  explains: [...SATURATION, ...OVERSHOOTING, ...NO_GRADIENT, ...NOT_LEARNING, 'update.ratio'],
  // Values up to a few hundred (counts, ages, pixels) only hurt when training shows it (saturated
  // units, a loss that jumps); magnitudes in the thousands and beyond always do.
  needsSymptom: (finding) => maxAbsOf(finding) < 1000,
  check({ data, model }) {
    if (!data) return [];
    const x = data.x;
    const maxAbs = Math.max(Math.abs(x.min), Math.abs(x.max));
    if (!Number.isFinite(maxAbs)) return [];
    const t = this.thresholds;
    const large = maxAbs > t.largeAbs || Math.abs(x.mean) > t.largeMean || x.std > t.largeStd;
    const moderate = maxAbs > t.maxAbs || Math.abs(x.mean) > t.maxAbsMean || x.std > t.maxStd;
    // Counts of a few dozen into a ReLU layer train fine; the same values into tanh saturate it.
    const first = model?.layers.findIndex(isWeighted) ?? -1;
    // Token ids into an Embedding are indices, not magnitudes: the layer looks rows up, nothing scales them.
    if (first >= 0 && model!.layers[first]!.className === 'Embedding') return [];
    const squashing = first >= 0 && /^(sigmoid|tanh|softsign|hardSigmoid|softmax)$/.test(effectiveActivation(model!.layers, first));
    if (large || (moderate && squashing))
      return [
        {
          summary: `inputs range ${formatNumber(x.min)} … ${formatNumber(x.max)} (mean ${formatNumber(x.mean)}, std ${formatNumber(x.std)})`,
          values: { min: x.min, max: x.max, mean: x.mean, std: x.std },
          // Scaled by the range actually measured (pixels by their maximum, anything else standardized).
          fixCode: retrainCode({ prepare: rescaleCode('$x', x), optimizer: optimizerCall(model, scaledLearningRate(model, 1)), why: 'Scale the inputs, then train again from fresh weights.' }),
        },
      ];
    return [];
  },
});

const labelOutOfRange = defineRule({
  id: 'data.label-out-of-range',
  family: 'data',
  severity: 'error',
  title: 'Labels outside the classes the model can output',
  // Rows whose sum is off by more than 1e-3 are counted where the labels are read (kernel data stats).
  thresholds: {},
  explanation: 'Class ids must lie in [0, numClasses), one-hot rows must sum to 1 and binary targets must lie in [0, 1]. Otherwise the cross-entropy is computed against a class that does not exist and the loss cannot reach 0.',
  fix: { text: 'Re-encode the labels: map class ids to 0…C−1, or build one-hot rows with tf.oneHot.' },
  source: 'seed 000 (labels vs logits)',
  explains: ['loss.nan', 'loss.saturated', 'loss.zero-early', ...NOT_LEARNING, ...NO_GRADIENT],
  check({ data, model }) {
    const labels = data?.labels;
    if (!labels || !model) return [];
    const head = outputHead(model);
    const loss = normalizedLoss(model.losses[0] ?? '');
    // Regression losses have targets, not labels (model.output-range checks what the head can reach).
    if (!isClassificationLoss(loss) && loss !== 'custom') return [];
    if (loss === 'sparsecategoricalcrossentropy' && head.units !== undefined && (labels.maxLabel >= head.units || labels.minLabel < 0))
      return [
        {
          summary: `class ids range ${labels.minLabel}…${labels.maxLabel} but the model outputs ${head.units} classes`,
          values: { minLabel: labels.minLabel, maxLabel: labels.maxLabel, units: head.units },
          // Ids 1…C (counted from 1) fit once shifted; other gaps need the user's own mapping.
          ...(labels.minLabel > 0 && labels.maxLabel - labels.minLabel < head.units
            ? { fixCode: retrainCode({ prepare: `$y = $y.sub(${labels.minLabel}); // class ids ${labels.minLabel}…${labels.maxLabel} → 0…${labels.maxLabel - labels.minLabel}`, optimizer: optimizerCall(model, scaledLearningRate(model, 1)), why: 'Class ids from 0.' }) }
            : {}),
        },
      ];
    // With several target columns (multi-label, one per sequence step) min/maxLabel are argmax
    // positions, not values: the targets' own range says whether they lie in [0, 1].
    const [low, high] = labels.columns === 1 ? [labels.minLabel, labels.maxLabel] : [data?.y?.min ?? 0, data?.y?.max ?? 1];
    if (loss === 'binarycrossentropy' && (high > 1 || low < 0))
      return [{ summary: `binary targets range ${low}…${high}, outside [0, 1]`, values: { minLabel: low, maxLabel: high } }];
    if (loss === 'categoricalcrossentropy' && labels.columns > 1 && labels.rowSumsOff > 0)
      return [{ summary: `${labels.rowSumsOff} of ${labels.rows} target rows do not sum to 1`, values: { rowsOff: labels.rowSumsOff, rows: labels.rows } }];
    if (labels.outOfRange > 0) return [{ summary: `${labels.outOfRange} of ${labels.rows} labels are negative`, values: { outOfRange: labels.outOfRange } }];
    return [];
  },
});

const labelShapeMismatch = defineRule({
  id: 'data.label-shape-mismatch',
  family: 'data',
  severity: 'error',
  title: 'Label encoding does not match the loss',
  thresholds: {},
  explanation:
    'categoricalCrossentropy expects one-hot rows [samples, classes]; sparseCategoricalCrossentropy expects integer class ids [samples] or [samples, 1]. Mixing them up either fails with a shape error or silently compares the wrong things — the root cause of the story in seed 000 (softmax_cross_entropy vs sparse_softmax_cross_entropy).',
  fix: {
    text: 'Use sparseCategoricalCrossentropy with class ids, or tf.oneHot the labels for categoricalCrossentropy.',
    code: retrainCode({ loss: "'sparseCategoricalCrossentropy'", why: 'The loss that takes class ids.' }),
  },
  source: 'seed 000 (the story\'s root cause)',
  explains: ['loss.nan', 'loss.saturated', 'loss.zero-early', ...NOT_LEARNING, ...NO_GRADIENT],
  check({ data, model }) {
    const labels = data?.labels;
    if (!labels || !model) return [];
    const head = outputHead(model);
    const loss = normalizedLoss(model.losses[0] ?? '');
    if (loss === 'categoricalcrossentropy' && labels.columns === 1 && (head.units ?? 1) > 1)
      return [{ summary: `targets have 1 column of class ids (${labels.minLabel}…${labels.maxLabel}) but categoricalCrossentropy wants one-hot rows of ${head.units}`, values: { targetColumns: 1, units: head.units ?? null, encoding: labels.encoding } }];
    if (loss === 'sparsecategoricalcrossentropy' && labels.columns > 1)
      return [{ summary: `targets are ${labels.encoding} rows of ${labels.columns} columns but sparseCategoricalCrossentropy wants class ids`, values: { targetColumns: labels.columns, encoding: labels.encoding } }];
    if (loss === 'binarycrossentropy' && labels.encoding === 'integer' && labels.maxLabel > 1)
      return [{ summary: `binaryCrossentropy with ${labels.maxLabel + 1} integer classes`, values: { maxLabel: labels.maxLabel } }];
    return [];
  },
});

/** Rows come in runs of one class (sorted or concatenated per class), not interleaved: fewer class
 *  changes than classes seen. A shuffled but imbalanced set changes class at every minority row. */
function groupedByClass(labels: LabelStats): boolean {
  const seen = labels.classCounts.filter((c) => c > 0).length;
  return seen > 0 && labels.classChanges !== undefined && labels.classChanges < seen;
}

const classImbalance = defineRule({
  id: 'data.class-imbalance',
  family: 'data',
  severity: 'warning',
  title: 'Severe class imbalance',
  thresholds: { majorityShare: 0.9 },
  explanation: 'When one class dominates, predicting it always already gives high accuracy; the model can stop there and the accuracy number hides it.',
  fix: { text: 'Balance batches, oversample the minority class, or pass classWeight to fit; track per-class metrics.' },
  source: 'seed 001 (tuning: the ratio of positive to negative samples)',
  explains: [...NOT_LEARNING, 'metric.too-good'],
  check({ data }) {
    const labels = data?.labels;
    if (!labels || labels.classCounts.length < 2) return [];
    // A dataset's first batches say nothing about balance when the data comes grouped by class (data.unshuffled).
    if (data!.fromBatches && groupedByClass(labels)) return [];
    const total = labels.classCounts.reduce((a, b) => a + b, 0);
    const majority = Math.max(...labels.classCounts);
    const share = majority / total;
    if (share > this.thresholds.majorityShare)
      return [{ summary: `class ${labels.classCounts.indexOf(majority)} is ${percent(share)} of ${total} labels`, values: { majorityShare: share, classCounts: labels.classCounts } }];
    return [];
  },
});

const unshuffled = defineRule({
  id: 'data.unshuffled',
  family: 'data',
  severity: 'warning',
  title: 'Training data is ordered by class',
  thresholds: { sortedFraction: 0.95, singleClassBatchShare: 0.5 },
  explanation:
    'With shuffle: false and data sorted by label, each batch holds one class, and the model chases whichever class it saw last. tfjs also takes validationSplit from the END of the arrays before shuffling, so sorted data puts only the last class(es) in validation.',
  fix: {
    text: 'Shuffle the data once before splitting, and keep shuffle: true (the default) in fit; with tf.data, shuffle before batching.',
  },
  source: 'seed 002 #6, #7',
  explains: ['loss.oscillating', 'trend.val-gap', 'trend.data-problem', 'trend.overfitting', 'trend.val-overconfident', ...NOT_LEARNING],
  check({ data, fit, model }) {
    const labels = data?.labels;
    if (!labels) return [];
    const t = this.thresholds;
    const sorted = labels.sortedFraction >= t.sortedFraction;
    const batchShare = labels.batchesChecked ? labels.singleClassBatches / labels.batchesChecked : 0;
    const hits: RuleHit[] = [];
    // fitDataset: no shuffle flag to read; the batches the dataset actually produced are the evidence
    // (first batches of one class each, even if only one class has come by yet).
    if (data!.fromBatches && labels.batchesChecked >= 2 && batchShare >= t.singleClassBatchShare && groupedByClass(labels))
      return [
        {
          summary: `${labels.singleClassBatches} of the dataset's first ${labels.batchesChecked} batches hold a single class (classes seen: ${labels.classCounts.flatMap((c, i) => (c > 0 ? [i] : [])).join(', ')})`,
          values: { singleClassBatches: labels.singleClassBatches, batchesChecked: labels.batchesChecked, sortedFraction: labels.sortedFraction, batchesSampled: data!.fromBatches },
        },
      ];
    if (labels.classCounts.filter((c) => c > 0).length < 2) return [];
    if (fit && !fit.shuffle && (sorted || batchShare >= t.singleClassBatchShare))
      hits.push({
        fixCode: retrainCode({
          prepare: '{\n  const order = tf.tensor1d(Int32Array.from(tf.util.createShuffledIndices($x.shape[0])), \'int32\');\n  $x = $x.gather(order);\n  $y = $y.gather(order);\n}',
          optimizer: optimizerCall(model, scaledLearningRate(model, 1)),
          why: 'Shuffle the rows (inputs and labels together) once, then train again.',
        }),
        summary: `shuffle: false and ${labels.singleClassBatches} of ${labels.batchesChecked} first batches hold a single class (sorted ${percent(labels.sortedFraction)})`,
        values: { shuffle: false, singleClassBatches: labels.singleClassBatches, batchesChecked: labels.batchesChecked, sortedFraction: labels.sortedFraction },
      });
    else if (sorted && fit?.validationSplit && labels.validationClasses && labels.validationClasses.length < labels.classCounts.filter((c) => c > 0).length)
      hits.push({
        summary: `labels are sorted and validationSplit ${fit.validationSplit} takes the tail: validation holds only class(es) ${labels.validationClasses.join(', ')}`,
        values: { validationSplit: fit.validationSplit, validationClasses: labels.validationClasses, sortedFraction: labels.sortedFraction },
      });
    return hits;
  },
});

const constantFeature = defineRule({
  id: 'data.constant-feature',
  family: 'data',
  severity: 'info',
  title: 'Features with zero variance',
  thresholds: {},
  explanation: 'Columns that never change carry no information; they waste parameters (and break standardization by dividing by a zero std).',
  fix: { text: 'Drop them, or add a small epsilon when standardizing.' },
  source: 'catalog §2',
  check({ data }) {
    const x = data?.x;
    if (!x || x.constantColumns === 0 || x.columns < 2 || (data?.sampledRows ?? 0) < 2) return [];
    return [{ summary: `${x.constantColumns} of ${x.columns} input columns are constant in ${data!.sampledRows} sampled rows`, values: { constantColumns: x.constantColumns, columns: x.columns } }];
  },
});

const trainValOverlap = defineRule({
  id: 'data.train-val-overlap',
  family: 'data',
  severity: 'warning',
  title: 'Validation rows also appear in training',
  // Discrete features (counts, categories) repeat by chance: a few identical rows are expected,
  // a leak makes a tenth or more of the validation rows copies of training rows.
  thresholds: { minDuplicates: 2, minShare: 0.1 },
  explanation: 'Identical rows in the training and validation sets make the validation score measure memorization; it looks better than the model is (the "AUC 100%" surprise).',
  fix: { text: 'De-duplicate before splitting and split by an id so the same sample never lands on both sides.' },
  source: 'seed 001 ("train AUC is 100% from the first epoch")',
  explains: ['metric.too-good', 'trend.val-gap'],
  check({ data }) {
    const overlap = data?.overlap;
    if (!overlap || overlap.duplicates < this.thresholds.minDuplicates || overlap.duplicates / Math.max(1, overlap.checkedValidationRows) < this.thresholds.minShare) return [];
    return [
      {
        summary: `${overlap.duplicates} of ${overlap.checkedValidationRows} checked validation rows are identical to training rows`,
        values: { duplicates: overlap.duplicates, checked: overlap.checkedValidationRows, share: overlap.duplicates / overlap.checkedValidationRows },
      },
    ];
  },
});

export const dataRules: Rule[] = [nanInf, unnormalized, labelOutOfRange, labelShapeMismatch, classImbalance, unshuffled, constantFeature, trainValOverlap];
