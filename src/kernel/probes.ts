// Measurements the monitor takes while a model trains, each in one tidy and one download, each
// disposing what it allocated (issue 5: instrumentation adds zero net tensors):
// - gradient norms per layer, from the gradients the optimizer already received;
// - weight update ratios ‖ΔW‖/‖W‖ between two sampled steps (a kept clone shares the old buffer);
// - activation probes on a fixed small batch (dead ReLU, saturated sigmoid/tanh, NaN/Inf).
// A Budget keeps each probe's cost to a small fraction of the training step time.
import type * as tfType from '@tensorflow/tfjs';
import { SATURATION_PRE_ACTIVATION, type GradientSample, type ProbeLayerStats, type ProbeSample, type UpdateSample } from '../shared/diagnosis';
import type { Tf } from './monitor-api';
import type { Readbacks } from './readback';

/**
 * When to take a sampled measurement, so that its total cost stays within
 * `allowanceMs + fraction × training time` (a token bucket). Short runs of toy models — where a
 * fraction of almost nothing would starve the rules of samples — live on the allowance and are
 * measured at every step; long runs pay the fraction. A fixed per-step allowance would not do:
 * 0.25 ms is 5% of a 5 ms MNIST step.
 */
export class Budget {
  /** Steps between measurements at the current cost and step time (for callers that need a cadence). */
  interval = 1;
  private costMs = 0;
  private lastStep = -Infinity;
  private lastTime = 0;
  private tokensMs: number | undefined;
  private refilledAt: number | undefined;

  constructor(
    private readonly fraction: number,
    private readonly maxInterval = 10_000,
    /** Take every step until this one (early steps decide the most: dead units, NaN). */
    private readonly warmupSteps = 0,
    private readonly maxSecondsBetween = 2,
    /** Measurement time granted up front, besides the fraction (ms). */
    private readonly allowanceMs = 4,
  ) {}

  /** Measurement time available now: the allowance, plus the fraction of the time since, less what was spent. */
  private refill(time: number): number {
    this.tokensMs ??= this.allowanceMs;
    this.tokensMs += this.fraction * (time - (this.refilledAt ?? time));
    this.refilledAt = time;
    // Unspent time does not pile up beyond ten seconds' worth (no burst after a long pause).
    this.tokensMs = Math.min(this.tokensMs, this.allowanceMs + this.fraction * 10_000);
    return this.tokensMs;
  }

  due(step: number): boolean {
    const time = performance.now();
    if (step < this.warmupSteps) return true;
    const sinceLast = step - this.lastStep;
    if (sinceLast < 1) return false;
    // Detection latency stays bounded on slow steps too: at least one measurement every few seconds.
    if (sinceLast >= this.maxInterval || (this.lastTime > 0 && time - this.lastTime >= this.maxSecondsBetween * 1000)) return true;
    return this.refill(time) >= this.costMs;
  }

  record(step: number, costMs: number, stepMs: number): void {
    this.lastStep = step;
    this.lastTime = performance.now();
    if (step < this.warmupSteps) {
      // Warm-up measurements are taken whatever they cost and are not charged: the first ones
      // include compiling the ops, and would otherwise drain a toy run's allowance and inflate the
      // cost estimate for hundreds of steps. The estimate starts from the last (warm) one.
      this.refill(this.lastTime);
      this.costMs = costMs;
    } else {
      this.tokensMs = this.refill(this.lastTime) - costMs;
      this.costMs = this.costMs === 0 ? costMs : 0.7 * this.costMs + 0.3 * costMs;
    }
    this.interval = Math.min(this.maxInterval, Math.max(1, Math.ceil(this.costMs / (this.fraction * Math.max(stepMs, 0.01)))));
  }

  stepsSince(step: number): number {
    return step - this.lastStep;
  }

  get averageCostMs(): number {
    return this.costMs;
  }
}

export type GradientList = Array<{ name: string; tensor: tfType.Tensor }>;

export function gradientList(gradients: tfType.NamedTensorMap | GradientList): GradientList {
  const list = Array.isArray(gradients) ? gradients : Object.entries(gradients).map(([name, tensor]) => ({ name, tensor }));
  return list.filter((g) => g.tensor && !g.tensor.isDisposed);
}

/** Layer of a variable: "dense_Dense1/kernel" → "dense_Dense1" (custom-loop variables keep their own name). */
export function layerOfVariable(name: string, known?: ReadonlyMap<string, string>): string {
  const mapped = known?.get(name);
  if (mapped) return mapped;
  const slash = name.lastIndexOf('/');
  return slash > 0 ? name.slice(0, slash) : name;
}

function squaredNorm(tf: Tf, tensor: tfType.Tensor): tfType.Scalar {
  return tf.sum(tf.square(tensor.dtype === 'float32' ? tensor : tensor.toFloat()));
}

/**
 * Per-layer gradient norms and RMS in one download, handed to `consume` (at once, or when the read
 * lands on webgpu: see readback.ts).
 */
export function measureGradients(
  tf: Tf,
  step: number,
  gradients: GradientList,
  reads: Readbacks,
  consume: (sample: GradientSample) => void,
  layerNames?: ReadonlyMap<string, string>,
): void {
  // ‖g‖² as sum(g²): elementwise ops only. A dot product (g·g) would be one op, but wasm runs it as
  // an XNNPACK matmul that packs its operand afresh for every new gradient (~6× slower).
  const packed = tf.tidy(() => tf.stack(gradients.map(({ tensor }) => squaredNorm(tf, tensor))));
  // The gradients may be gone when the values land: keep what the sample needs of them.
  const sizes = gradients.map(({ name, tensor }) => ({ name, size: tensor.size }));
  reads.read('gradients', [packed], ([values]) => consume(gradientSample(step, sizes, values!, layerNames)));
}

function gradientSample(step: number, gradients: Array<{ name: string; size: number }>, values: ArrayLike<number>, layerNames?: ReadonlyMap<string, string>): GradientSample {
  const layers = new Map<string, { squares: number; size: number }>();
  let total = 0;
  let nonFinite = false;
  gradients.forEach(({ name, size }, i) => {
    const squares = values[i]!;
    if (!Number.isFinite(squares)) nonFinite = true;
    const layer = layerOfVariable(name, layerNames);
    const entry = layers.get(layer) ?? { squares: 0, size: 0 };
    entry.squares += squares;
    entry.size += size;
    layers.set(layer, entry);
    total += squares;
  });
  return {
    step,
    layers: [...layers].map(([name, e]) => ({ name, norm: Math.sqrt(e.squares), rms: e.size ? Math.sqrt(e.squares / e.size) : 0 })),
    globalNorm: Math.sqrt(total),
    nonFinite,
  };
}

/**
 * Weight update ratios between two sampled steps. `snapshot` keeps clones of the kernels (a clone
 * shares the buffer; the optimizer's assign gives the variable a new one, so no copy is made).
 */
export class UpdateTracker {
  private snapshot: Array<{ name: string; variable: tfType.Variable; before: tfType.Tensor }> = [];

  constructor(
    private readonly tf: Tf,
    /** Bound on the kernels followed (elements), so huge models do not double their memory. */
    private readonly maxElements = 20_000_000,
  ) {}

  get holding(): boolean {
    return this.snapshot.length > 0;
  }

  take(variables: Array<{ name: string; variable: tfType.Variable }>): void {
    this.release();
    const kernels = variables.filter((v) => v.variable.rank >= 2 && !v.variable.isDisposed);
    let budget = this.maxElements;
    for (const entry of kernels) {
      if (entry.variable.size > budget) continue;
      budget -= entry.variable.size;
      this.snapshot.push({ name: entry.name, variable: entry.variable, before: this.tf.keep(this.tf.clone(entry.variable)) });
    }
  }

  /** ‖W_now − W_then‖/‖W_then‖ per kernel, handed to `consume` (see readback.ts); releases the snapshot. */
  measure(step: number, reads: Readbacks, consume: (sample: UpdateSample) => void, layerNames?: ReadonlyMap<string, string>): void {
    const live = this.snapshot.filter((s) => !s.variable.isDisposed && !s.before.isDisposed);
    if (!live.length) {
      this.release();
      return;
    }
    const tf = this.tf;
    const packed = tf.tidy(() => tf.stack(live.flatMap((s) => [squaredNorm(tf, tf.sub(s.variable, s.before)), squaredNorm(tf, s.before)])));
    const names = live.map((s) => layerOfVariable(s.name, layerNames));
    this.release();
    reads.read('update ratios', [packed], ([values]) => {
      const layers = names.map((name, i) => {
        const deltaNorm = Math.sqrt(values![2 * i]!);
        const weightNorm = Math.sqrt(values![2 * i + 1]!);
        return { name, weightNorm, deltaNorm, ratio: weightNorm > 0 ? deltaNorm / weightNorm : Number.NaN };
      });
      consume({ step, layers });
    });
  }

  release(): void {
    for (const s of this.snapshot) s.before.dispose();
    this.snapshot = [];
  }
}

// act.saturated's limit as output values: sigmoid(−limit) and tanh(limit).
const SIGMOID_LIMIT = 1 / (1 + Math.exp(SATURATION_PRE_ACTIVATION));
const TANH_LIMIT = Math.tanh(SATURATION_PRE_ACTIVATION);

export interface ProbePlan {
  names: string[];
  /** Index in `names` → how to read it. */
  roles: Array<{ layer: string; activation: string; units: number; kind: 'relu' | 'sigmoid' | 'tanh' | 'other' | 'output' }>;
}

function activationOf(layer: tfType.layers.Layer): string {
  const className = layer.getClassName();
  if (className === 'ReLU') return 'relu';
  if (className === 'Softmax') return 'softmax';
  try {
    const config = layer.getConfig() as { activation?: unknown };
    return typeof config.activation === 'string' ? config.activation : 'linear';
  } catch {
    return 'linear';
  }
}

/** Which layer outputs to read on the probe batch, and how. */
export function planProbe(model: tfType.LayersModel, maxLayers = 64): ProbePlan | undefined {
  const plan: ProbePlan = { names: [], roles: [] };
  const outputNames = new Set(model.outputs.map((o) => o.name));
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const chosen = layers.length <= maxLayers ? layers : layers.filter((l) => /relu|sigmoid|tanh/.test(activationOf(l)) || outputNames.has(safeOutputName(l) ?? ''));
  for (const layer of chosen) {
    const name = safeOutputName(layer);
    if (!name) continue;
    const activation = activationOf(layer);
    const shape = safeOutputShape(layer);
    const units = shape ? (shape[shape.length - 1] ?? 0) : 0;
    const kind = outputNames.has(name) ? 'output' : activation === 'relu' || activation === 'relu6' ? 'relu' : activation === 'sigmoid' ? 'sigmoid' : activation === 'tanh' ? 'tanh' : 'other';
    plan.names.push(name);
    plan.roles.push({ layer: layer.name, activation, units, kind });
  }
  if (!plan.roles.some((r) => r.kind === 'output')) return plan.names.length ? plan : undefined;
  return plan;
}

function safeOutputName(layer: tfType.layers.Layer): string | undefined {
  try {
    const output = layer.output;
    return Array.isArray(output) ? undefined : output.name;
  } catch {
    return undefined;
  }
}

function safeOutputShape(layer: tfType.layers.Layer): Array<number | null> | undefined {
  try {
    const shape = layer.outputShape;
    return Array.isArray(shape[0]) ? undefined : (shape as Array<number | null>);
  } catch {
    return undefined;
  }
}

/** Run the probe batch through the model (inference mode) and read activation statistics (see readback.ts). */
export function runProbe(tf: Tf, model: tfType.LayersModel, plan: ProbePlan, input: tfType.Tensor | tfType.Tensor[], step: number, reads: Readbacks, consume: (sample: ProbeSample) => void): void {
  const [packed, predicted] = tf.tidy(() => {
    const executed = model.execute(input, plan.names);
    const outputs = Array.isArray(executed) ? executed : [executed];
    const scalars: tfType.Scalar[] = [];
    let predictedClasses: tfType.Tensor = tf.zeros([0], 'int32');
    outputs.forEach((raw, i) => {
      const role = plan.roles[i]!;
      const y = raw.dtype === 'float32' ? raw : raw.toFloat();
      const units = Math.max(1, y.shape[y.shape.length - 1] ?? 1);
      const flat = y.reshape([-1, units]);
      // The sum is NaN/Inf iff a value is (or the layer overflows, which is as bad): one op per layer.
      scalars.push(tf.sum(y));
      if (role.kind === 'relu') scalars.push(tf.mean(tf.lessEqual(tf.max(flat, 0), 0).toFloat()));
      else if (role.kind === 'sigmoid') scalars.push(tf.mean(tf.logicalOr(tf.less(y, SIGMOID_LIMIT), tf.greater(y, 1 - SIGMOID_LIMIT)).toFloat()));
      else if (role.kind === 'tanh') scalars.push(tf.mean(tf.greater(tf.abs(y), TANH_LIMIT).toFloat()));
      else if (role.kind === 'output') {
        scalars.push(tf.mean(tf.logicalOr(tf.less(y, 1e-3), tf.greater(y, 1 - 1e-3)).toFloat()), tf.min(y), tf.max(y));
        predictedClasses = units > 1 ? tf.argMax(flat, 1) : tf.greater(flat.reshape([-1]), 0.5).toInt();
      }
    });
    return [tf.stack(scalars), predictedClasses] as const;
  });
  reads.read('probe', [packed, predicted], ([stats, classes]) => consume(probeSample(plan, step, stats!, classes!)));
}

function probeSample(plan: ProbePlan, step: number, stats: ArrayLike<number>, classes: ArrayLike<number>): ProbeSample {
  let cursor = 0;
  const layers: ProbeLayerStats[] = [];
  let output: ProbeSample['output'];
  let firstNonFiniteLayer: string | undefined;
  for (const role of plan.roles) {
    const nonFinite = Number.isFinite(stats[cursor++]!) ? 0 : 1;
    if (nonFinite > 0 && !firstNonFiniteLayer) firstNonFiniteLayer = role.layer;
    if (role.kind === 'relu') layers.push({ name: role.layer, activation: role.activation, units: role.units, nonFinite, deadFraction: stats[cursor++]! });
    else if (role.kind === 'sigmoid' || role.kind === 'tanh') layers.push({ name: role.layer, activation: role.activation, units: role.units, nonFinite, saturatedFraction: stats[cursor++]! });
    else if (role.kind === 'output') {
      const extremeFraction = stats[cursor++]!;
      const min = stats[cursor++]!;
      const max = stats[cursor++]!;
      const counts = new Map<number, number>();
      for (let i = 0; i < classes.length; i++) counts.set(classes[i]!, (counts.get(classes[i]!) ?? 0) + 1);
      const dominant = Math.max(0, ...counts.values());
      output = { activation: role.activation, units: role.units, extremeFraction, dominantClassShare: classes.length ? dominant / classes.length : 0, min, max };
    }
  }
  return { step, layers, ...(output ? { output } : {}), ...(firstNonFiniteLayer ? { firstNonFiniteLayer } : {}) };
}
