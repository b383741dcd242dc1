// Sanity tools from the seeds, callable from a cell as `lossbook.checks.*` (and from the UI):
// - initialLoss: the loss at step 0 should be ≈ ln C for C balanced classes (cs231n; seed 001 0.69);
// - overfitTinyBatch: seed 000's "train on 10 samples" — a correct model/loss/labels reach ≈0 loss;
// - predictionsVsLabels: seed 000's table of predictions next to labels;
// - lrRangeTest: log-scale learning-rate sweep, loss vs LR (seed 001 调参: 对数尺度);
// - bisectNonFinite: which layer first produces NaN/Inf (seed 002 #13: 二分法排错).
// The tools never change the user's model for good: weights are restored, and their updates are
// applied by hand (not through an optimizer) so the run's monitor does not see them as training.
import type * as tfType from '@tensorflow/tfjs';
import type { DisplayValue } from '../shared/protocol';
import type { RunContext, Tf } from './monitor-api';

type TableDisplay = Extract<DisplayValue, { kind: 'table' }>;

export class ChecksError extends Error {
  override name = 'ChecksError';
}

export interface InitialLossResult {
  loss: number;
  /** ln C for classification, undefined for regression. */
  expected?: number;
  classes?: number;
  ratio?: number;
  ok: boolean;
  message: string;
  display: TableDisplay;
}

export interface TinyBatchResult {
  reached: boolean;
  samples: number;
  steps: number;
  initialLoss: number;
  finalLoss: number;
  losses: number[];
  message: string;
  display: TableDisplay;
}

export interface PredictionsResult {
  rows: Array<{ index: number; label: string; predicted: string; confidence: number; correct: boolean | null }>;
  display: TableDisplay;
}

export interface LrRangeResult {
  points: Array<{ learningRate: number; loss: number }>;
  /** Learning rate with the steepest loss decrease (a good starting point), and the best-loss one. */
  suggested: number | undefined;
  bestLearningRate: number | undefined;
  diverged: boolean;
  display: TableDisplay;
}

export interface NonFiniteResult {
  inputsNonFinite: number;
  /** Layers whose weights hold NaN/Inf. */
  weightsNonFinite: string[];
  firstLayer: string | undefined;
  firstLayerIndex: number | undefined;
  layers: Array<{ name: string; className: string; nonFinite: number; maxAbs: number }>;
  message: string;
  display: TableDisplay;
}

export interface Checks {
  initialLoss(model: tfType.LayersModel, x: tfType.Tensor, y: tfType.Tensor, options?: { samples?: number }): InitialLossResult;
  overfitTinyBatch(model: tfType.LayersModel, x: tfType.Tensor, y: tfType.Tensor, options?: { samples?: number; steps?: number; learningRate?: number }): Promise<TinyBatchResult>;
  predictionsVsLabels(model: tfType.LayersModel, x: tfType.Tensor, y: tfType.Tensor, count?: number): PredictionsResult;
  lrRangeTest(model: tfType.LayersModel, x: tfType.Tensor, y: tfType.Tensor, options?: { minLearningRate?: number; maxLearningRate?: number; steps?: number; batchSize?: number }): Promise<LrRangeResult>;
  bisectNonFinite(model: tfType.LayersModel, x: tfType.Tensor): NonFiniteResult;
}

type LossFunction = (yTrue: tfType.Tensor, yPred: tfType.Tensor) => tfType.Tensor;

function lossFunctionOf(model: tfType.LayersModel): LossFunction {
  // Sequential keeps the compiled loss on its inner functional model.
  const holder = model as unknown as { lossFunctions?: LossFunction[]; model?: { lossFunctions?: LossFunction[] } };
  const functions = holder.lossFunctions ?? holder.model?.lossFunctions;
  const loss = functions?.[0];
  if (!loss) throw new ChecksError('The model is not compiled: call model.compile({ optimizer, loss }) before running this check.');
  return loss;
}

function meanLoss(tf: Tf, model: tfType.LayersModel, x: tfType.Tensor, y: tfType.Tensor, training: boolean): tfType.Scalar {
  const loss = lossFunctionOf(model);
  return tf.mean(loss(y, model.apply(x, { training }) as tfType.Tensor)) as tfType.Scalar;
}

function outputClasses(model: tfType.LayersModel): number | undefined {
  const shape = model.outputs[0]?.shape;
  const units = shape?.[shape.length - 1] ?? undefined;
  if (!units) return undefined;
  const loss = (model as unknown as { loss?: unknown }).loss;
  const name = typeof loss === 'string' ? loss : typeof loss === 'function' ? loss.name : '';
  if (!/crossentropy|softmax|sigmoid|logloss/i.test(name)) return undefined;
  return units === 1 ? 2 : units;
}

function rowsOf(tf: Tf, tensor: tfType.Tensor, count: number): tfType.Tensor {
  return tf.tidy(() => tensor.slice(0, Math.min(count, tensor.shape[0] ?? 0)));
}

function trainableVariables(model: tfType.LayersModel): tfType.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tfType.Variable);
}

/** Adam applied by hand, so the kernel's optimizer hooks (the run's monitor) do not count it as training. */
class ManualAdam {
  private readonly first: tfType.Variable[];
  private readonly second: tfType.Variable[];
  private t = 0;

  constructor(
    private readonly tf: Tf,
    private readonly variables: tfType.Variable[],
  ) {
    // tidy frees the zeros; the variables survive it (tidy never disposes variables).
    this.first = tf.tidy(() => variables.map((v) => tf.variable(tf.zerosLike(v), false)));
    this.second = tf.tidy(() => variables.map((v) => tf.variable(tf.zerosLike(v), false)));
  }

  /** One step on the mean loss; returns the loss before the update. */
  step(lossFn: () => tfType.Scalar, learningRate: number): number {
    const tf = this.tf;
    this.t++;
    const { value, grads } = tf.variableGrads(lossFn, this.variables);
    const loss = value.dataSync()[0]!;
    tf.tidy(() => {
      const b1 = 0.9;
      const b2 = 0.999;
      const correction1 = 1 - b1 ** this.t;
      const correction2 = 1 - b2 ** this.t;
      this.variables.forEach((variable, i) => {
        const g = grads[variable.name];
        if (!g) return;
        const m = this.first[i]!;
        const v = this.second[i]!;
        m.assign(m.mul(b1).add(g.mul(1 - b1)));
        v.assign(v.mul(b2).add(g.square().mul(1 - b2)));
        variable.assign(variable.sub(m.div(correction1).mul(learningRate).div(v.div(correction2).sqrt().add(1e-7))));
      });
    });
    value.dispose();
    tf.dispose(Object.values(grads));
    return loss;
  }

  dispose(): void {
    this.tf.dispose([...this.first, ...this.second]);
  }
}

/** Run `work` on the model and put every weight back afterwards (BatchNorm statistics included). */
async function withRestoredWeights<T>(tf: Tf, model: tfType.LayersModel, work: () => Promise<T> | T): Promise<T> {
  const saved = model.getWeights().map((w) => tf.clone(w));
  try {
    return await work();
  } finally {
    model.setWeights(saved);
    tf.dispose(saved);
  }
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1e4 || (Math.abs(value) < 1e-3 && value !== 0) ? value.toExponential(3) : Number(value.toPrecision(4)).toString();
}

export function createChecks(tf: Tf, context: Pick<RunContext, 'emit' | 'runId'>): Checks {
  const artifact = (kind: string, data: unknown) => {
    try {
      context.emit({ type: 'artifact', runId: context.runId, kind, data });
    } catch {
      // the stream belongs to the kernel; a check still returns its result
    }
  };

  return {
    initialLoss(model, x, y, options = {}) {
      const samples = options.samples ?? 256;
      const value = tf.tidy(() => meanLoss(tf, model, rowsOf(tf, x, samples), rowsOf(tf, y, samples), false).dataSync()[0]!);
      const classes = outputClasses(model);
      const expected = classes ? Math.log(classes) : undefined;
      const ratio = expected ? value / expected : undefined;
      const ok = ratio === undefined ? Number.isFinite(value) : ratio > 0.5 && ratio < 1.5;
      const message =
        expected === undefined
          ? `initial loss ${format(value)} (regression: no chance level to compare with)`
          : ok
            ? `initial loss ${format(value)} ≈ ln ${classes} = ${format(expected)}: the output starts near uniform, as it should`
            : `initial loss ${format(value)} is ${format(ratio!)}× ln ${classes} = ${format(expected)}: the output does not start near uniform (initialization scale, labels or loss are off)`;
      const result: InitialLossResult = {
        loss: value,
        ...(expected !== undefined ? { expected, classes, ratio } : {}),
        ok,
        message,
        display: { kind: 'table', columns: ['check', 'loss', 'expected (ln C)', 'ratio', 'ok'], rows: [['initial loss', format(value), expected === undefined ? null : format(expected), ratio === undefined ? null : format(ratio), ok ? 'yes' : 'NO']] },
      };
      artifact('check:initial-loss', { loss: value, expected, classes, ok });
      return result;
    },

    async overfitTinyBatch(model, x, y, options = {}) {
      const samples = Math.min(options.samples ?? 10, x.shape[0] ?? 0);
      const steps = options.steps ?? 300;
      const learningRate = options.learningRate ?? 0.01;
      const xs = rowsOf(tf, x, samples);
      const ys = rowsOf(tf, y, samples);
      const losses: number[] = [];
      try {
        await withRestoredWeights(tf, model, async () => {
          const optimizer = new ManualAdam(tf, trainableVariables(model));
          try {
            for (let i = 0; i < steps; i++) {
              const loss = optimizer.step(() => meanLoss(tf, model, xs, ys, true), learningRate);
              losses.push(loss);
              if (!Number.isFinite(loss) || loss < 1e-3 || (losses.length > 10 && loss < 1e-3 * losses[0]!)) break;
              if (i % 25 === 24) await new Promise((resolve) => setTimeout(resolve, 0));
            }
          } finally {
            optimizer.dispose();
          }
        });
      } finally {
        tf.dispose([xs, ys]);
      }
      const initialLoss = losses[0] ?? Number.NaN;
      const finalLoss = losses[losses.length - 1] ?? Number.NaN;
      const reached = Number.isFinite(finalLoss) && (finalLoss < 0.01 || finalLoss < 0.05 * initialLoss);
      const message = reached
        ? `reached loss ${format(finalLoss)} on ${samples} samples in ${losses.length} steps (from ${format(initialLoss)}): model, loss and labels can fit data`
        : `could not overfit ${samples} samples: loss ${format(initialLoss)} → ${format(finalLoss)} after ${losses.length} steps. A correct model memorizes 10 samples easily — check the loss/output pairing, the labels and the architecture (seed 000).`;
      const checkpoints = [0, 10, 50, 100, 200, losses.length - 1].filter((i, k, all) => i < losses.length && all.indexOf(i) === k);
      const result: TinyBatchResult = {
        reached,
        samples,
        steps: losses.length,
        initialLoss,
        finalLoss,
        losses,
        message,
        display: { kind: 'table', columns: ['step', 'loss'], rows: checkpoints.map((i) => [i, format(losses[i]!)]) },
      };
      artifact('check:overfit-tiny-batch', { reached, samples, steps: losses.length, initialLoss, finalLoss, losses });
      return result;
    },

    predictionsVsLabels(model, x, y, count = 10) {
      const n = Math.min(count, x.shape[0] ?? 0);
      const [predictions, labels] = tf.tidy(() => {
        const xs = rowsOf(tf, x, n);
        const output = model.predict(xs) as tfType.Tensor;
        return [output.reshape([n, -1]), rowsOf(tf, y, n).reshape([n, -1]).toFloat()] as const;
      });
      const p = predictions.arraySync() as number[][];
      const t = labels.arraySync() as number[][];
      tf.dispose([predictions, labels]);
      const units = p[0]?.length ?? 0;
      const rows = p.map((row, index) => {
        const label = t[index] ?? [];
        if (units === 1) {
          const value = row[0]!;
          const truth = label[0]!;
          const classLike = Number.isInteger(truth) && truth >= 0 && truth <= 1 && value >= 0 && value <= 1;
          return { index, label: format(truth), predicted: format(value), confidence: classLike ? Math.max(value, 1 - value) : Number.NaN, correct: classLike ? (value > 0.5 ? 1 : 0) === truth : null };
        }
        const predicted = row.indexOf(Math.max(...row));
        const labelClass = label.length === 1 ? label[0]! : label.indexOf(Math.max(...label));
        return { index, label: String(labelClass), predicted: String(predicted), confidence: row[predicted]!, correct: predicted === labelClass };
      });
      const display: TableDisplay = {
        kind: 'table',
        columns: ['#', 'label', 'predicted', 'confidence', 'correct', ...(units > 1 && units <= 4 ? ['probabilities'] : [])],
        rows: rows.map((r, i) => [r.index, r.label, r.predicted, Number.isFinite(r.confidence) ? format(r.confidence) : null, r.correct === null ? null : r.correct ? 'yes' : 'no', ...(units > 1 && units <= 4 ? [p[i]!.map(format).join(' ')] : [])]),
      };
      artifact('check:predictions-vs-labels', { rows });
      return { rows, display };
    },

    async lrRangeTest(model, x, y, options = {}) {
      const minLr = options.minLearningRate ?? 1e-6;
      const maxLr = options.maxLearningRate ?? 1;
      const steps = options.steps ?? 60;
      const batchSize = Math.min(options.batchSize ?? 32, x.shape[0] ?? 0);
      if (!(minLr > 0 && maxLr > minLr)) throw new ChecksError('lrRangeTest needs 0 < minLearningRate < maxLearningRate.');
      const rows = x.shape[0] ?? 0;
      const points: LrRangeResult['points'] = [];
      let diverged = false;
      await withRestoredWeights(tf, model, async () => {
        const optimizer = new ManualAdam(tf, trainableVariables(model));
        let smoothed: number | undefined;
        let best = Infinity;
        try {
          for (let i = 0; i < steps; i++) {
            const learningRate = minLr * (maxLr / minLr) ** (i / Math.max(1, steps - 1));
            const start = (i * batchSize) % Math.max(1, rows - batchSize + 1);
            const xs = tf.tidy(() => x.slice(start, batchSize));
            const ys = tf.tidy(() => y.slice(start, batchSize));
            let loss: number;
            try {
              loss = optimizer.step(() => meanLoss(tf, model, xs, ys, true), learningRate);
            } finally {
              tf.dispose([xs, ys]);
            }
            smoothed = smoothed === undefined ? loss : 0.7 * smoothed + 0.3 * loss;
            points.push({ learningRate, loss: smoothed });
            best = Math.min(best, smoothed);
            if (!Number.isFinite(smoothed) || smoothed > 4 * best) {
              diverged = true;
              break;
            }
            if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 0));
          }
        } finally {
          optimizer.dispose();
        }
      });
      // Suggest the rate where the loss falls fastest per log-LR step (Smith 2017), before divergence.
      let suggested: number | undefined;
      let steepest = 0;
      for (let i = 1; i < points.length; i++) {
        const drop = points[i - 1]!.loss - points[i]!.loss;
        if (Number.isFinite(drop) && drop > steepest) {
          steepest = drop;
          suggested = points[i]!.learningRate;
        }
      }
      const finite = points.filter((p) => Number.isFinite(p.loss));
      const bestPoint = finite.reduce<LrRangeResult['points'][number] | undefined>((a, p) => (!a || p.loss < a.loss ? p : a), undefined);
      const every = Math.max(1, Math.floor(points.length / 12));
      const result: LrRangeResult = {
        points,
        suggested,
        bestLearningRate: bestPoint?.learningRate,
        diverged,
        display: {
          kind: 'table',
          columns: ['learning rate', 'loss (smoothed)'],
          rows: points.filter((_, i) => i % every === 0 || i === points.length - 1).map((p) => [format(p.learningRate), format(p.loss)]),
        },
      };
      artifact('lr-range-test', { points, suggested, bestLearningRate: bestPoint?.learningRate, diverged });
      return result;
    },

    bisectNonFinite(model, x) {
      const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
      const names: string[] = [];
      const kept: typeof layers = [];
      for (const layer of layers) {
        try {
          const output = layer.output;
          if (!Array.isArray(output)) {
            names.push(output.name);
            kept.push(layer);
          }
        } catch {
          // layers used at several places have no single output; they are skipped
        }
      }
      const [inputCount, weightStats, layerStats] = tf.tidy(() => {
        const count = (t: tfType.Tensor) => tf.sum(tf.logicalOr(tf.isNaN(t), tf.isInf(t)).toFloat());
        const outputs = model.execute(x, names);
        const list = Array.isArray(outputs) ? outputs : [outputs];
        const weights = kept.map((layer) => (layer.weights.length ? tf.addN(layer.weights.map((w) => count(w.read()))) : tf.scalar(0)));
        return [
          count(x),
          weights.length ? tf.stack(weights) : tf.zeros([0]),
          list.length ? tf.stack(list.flatMap((t) => [count(t), tf.max(tf.abs(tf.where(tf.isFinite(t), t, tf.zerosLike(t))))])) : tf.zeros([0]),
        ] as const;
      });
      const inputsNonFinite = inputCount.dataSync()[0]!;
      const weightCounts = weightStats.dataSync();
      const stats = layerStats.dataSync();
      tf.dispose([inputCount, weightStats, layerStats]);
      const rows = kept.map((layer, i) => ({ name: layer.name, className: layer.getClassName(), nonFinite: stats[2 * i]!, maxAbs: stats[2 * i + 1]! }));
      const firstLayerIndex = rows.findIndex((r) => r.nonFinite > 0);
      const firstLayer = firstLayerIndex >= 0 ? rows[firstLayerIndex]!.name : undefined;
      const weightsNonFinite = kept.filter((_, i) => weightCounts[i]! > 0).map((l) => l.name);
      const message =
        inputsNonFinite > 0
          ? `the inputs already hold ${inputsNonFinite} NaN/Inf values: clean the data first`
          : weightsNonFinite.length
            ? `weights of ${weightsNonFinite.join(', ')} are NaN/Inf (training diverged earlier); first non-finite output: ${firstLayer ?? 'none'}`
            : firstLayer
              ? `${firstLayer} (${rows[firstLayerIndex]!.className}) is the first layer whose output is NaN/Inf; the layer before it outputs values up to ${format(rows[firstLayerIndex - 1]?.maxAbs ?? Number.NaN)}`
              : 'no layer produced NaN/Inf on this batch';
      artifact('check:bisect-non-finite', { inputsNonFinite, weightsNonFinite, firstLayer, layers: rows });
      return {
        inputsNonFinite,
        weightsNonFinite,
        firstLayer,
        firstLayerIndex: firstLayerIndex >= 0 ? firstLayerIndex : undefined,
        layers: rows,
        message,
        display: { kind: 'table', columns: ['layer', 'class', 'NaN/Inf values', 'max |finite value|'], rows: rows.map((r) => [r.name, r.className, r.nonFinite, format(r.maxAbs)]) },
      };
    },
  };
}
