// The plain-data view of a run that diagnosis rules read (design.md: src/shared is pure
// TypeScript, no tf import). The kernel's monitor (src/kernel/monitor/) fills it from what
// training already computes; tests and the engine can build it by hand.
import type { Finding, RuleFamily, Severity } from '../protocol';

export interface LayerSummary {
  name: string;
  /** tfjs class name: Dense, Conv2D, Activation, Softmax, Dropout, BatchNormalization, … */
  className: string;
  /** units of Dense, filters of Conv. */
  units?: number;
  /** Activation name as tfjs writes it (linear when none). */
  activation?: string;
  useBias?: boolean;
  /** Class name of the kernel initializer (Zeros, Constant, VarianceScaling, …). */
  kernelInitializer?: string;
  hasKernelRegularizer?: boolean;
  hasBiasRegularizer?: boolean;
  trainable: boolean;
  /** Dropout rate. */
  rate?: number;
  params: number;
  trainableParams: number;
  /** Measured standard deviation of the kernel (only before the model was ever trained). */
  kernelStd?: number;
  fanIn?: number;
  fanOut?: number;
}

export interface OptimizerSummary {
  /** tfjs optimizer class name: SGD, Momentum, Adam, RMSProp, Adagrad, Adadelta, Adamax. */
  className: string;
  learningRate?: number;
  momentum?: number;
}

export interface ModelSummary {
  name: string;
  layers: LayerSummary[];
  /** Loss names: a tfjs loss identifier, a tf.losses function name, or `custom`. */
  losses: string[];
  /** Source text of a custom loss function, to spot a softmax applied inside it. */
  customLossSource?: string;
  optimizer?: OptimizerSummary;
  trainableParams: number;
  totalParams: number;
  /** True if the model was trained before this fit (initialization checks are skipped). */
  previouslyTrained: boolean;
}

export interface FitSummary {
  kind: 'fit' | 'fitDataset' | 'custom';
  epochs?: number;
  batchSize?: number;
  /** Effective shuffle (tfjs default true). */
  shuffle: boolean;
  validationSplit?: number;
  hasValidation: boolean;
  samples?: number;
  validationSamples?: number;
}

export interface ValueStats {
  /** Elements looked at. */
  count: number;
  nan: number;
  infinite: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  /** Columns (last axis) and those with zero variance in the sample. */
  columns: number;
  constantColumns: number;
  /** True if the whole tensor was scanned for NaN/Inf (not only the sample). */
  scannedWhole: boolean;
}

export interface LabelStats {
  /** How the targets look: one-hot rows, integer class ids, binary 0/1, probabilities, continuous. */
  encoding: 'one-hot' | 'integer' | 'binary' | 'probabilities' | 'continuous' | 'unknown';
  columns: number;
  rows: number;
  /** Class of each row in order (bounded sample from the start), for balance and order checks. */
  classCounts: number[];
  /** Labels outside [0, numClasses) or negative; one-hot rows not summing to 1. */
  outOfRange: number;
  rowSumsOff: number;
  maxLabel: number;
  minLabel: number;
  /** Fraction of consecutive pairs with non-decreasing class (1 = fully sorted). */
  sortedFraction: number;
  /** Rows whose class differs from the row before (few changes = data grouped by class). */
  classChanges?: number;
  /** Of the first batches, how many hold a single class (with ≥2 classes in the data). */
  singleClassBatches: number;
  batchesChecked: number;
  /** Classes present in the validation split/data (when known). */
  validationClasses?: number[];
}

export interface DataStats {
  x: ValueStats;
  y?: ValueStats;
  labels?: LabelStats;
  rows: number;
  sampledRows: number;
  overlap?: { checkedValidationRows: number; duplicates: number };
  /** fitDataset: the statistics describe the first this-many batches the dataset produced, in order. */
  fromBatches?: number;
}

export interface EpochRecord {
  epoch: number;
  step: number;
  logs: Record<string, number>;
  ms?: number;
}

export interface SeriesView {
  steps: number[];
  values: number[];
}

export interface GradientSample {
  step: number;
  /** Layers in model order (input → output). */
  /** rms = ‖g‖/√n: an upper bound of mean |g| (so "rms < 1e-7" implies the catalog's mean-|g| test). */
  layers: Array<{ name: string; norm: number; rms: number }>;
  globalNorm: number;
  nonFinite: boolean;
}

export interface UpdateSample {
  step: number;
  /** Kernels only: a bias starts at zero, so its ratio says nothing. */
  layers: Array<{ name: string; weightNorm: number; deltaNorm: number; ratio: number }>;
}

export interface ProbeLayerStats {
  name: string;
  activation: string;
  units: number;
  /** ReLU: fraction of units that output 0 on every probe sample. */
  deadFraction?: number;
  /** sigmoid/tanh: fraction of pre-activations beyond ±5 (read from the outputs). */
  saturatedFraction?: number;
  /** 1 if the layer's output held NaN/Inf on the probe batch. */
  nonFinite: number;
}

export interface ProbeSample {
  step: number;
  layers: ProbeLayerStats[];
  output?: {
    activation: string;
    units: number;
    /** Fraction of output values within 1e-3 of 0 or 1. */
    extremeFraction: number;
    /** Share of probe samples whose argmax (or threshold 0.5) is the most common class. */
    dominantClassShare: number;
    min: number;
    max: number;
  };
  /** First layer (model order) whose output held NaN/Inf. */
  firstNonFiniteLayer?: string;
}

export interface MemorySample {
  step: number;
  numTensors: number;
  numBytes: number;
  heapUsedBytes?: number;
  heapLimitBytes?: number;
  gpuBytes?: number;
  gpuLimitBytes?: number;
}

export interface TimingStats {
  /** Recent training-step durations (ms). */
  stepMs: number[];
  /** Recent time spent outside the training step between batches (user callbacks), ms. */
  betweenBatchMs: number[];
  /** Evaluate/predict calls made on the model during the fit, and their total time. */
  evaluateCalls: number;
  evaluateMs: number;
  batches: number;
}

/** Kernels the backend lacked that Lossbook supplied (issue 18), as used during training steps. */
export interface KernelFallbackStats {
  backend: string;
  kernels: Array<{
    name: string;
    /** composed: built from the backend's own kernels; corrected: the backend's kernel given inputs it handles right; cpu-fallback: the tfjs CPU kernel on copied data. */
    implementation: 'composed' | 'corrected' | 'cpu-fallback' | 'unsupported';
    calls: number;
    ms: number;
  }>;
  /** Training-step time over the same steps, ms (the denominator of each kernel's share). */
  stepMs: number;
  steps: number;
}

/** Which notebook globals hold what a fix must name (fix-binding.ts); undefined where none does. */
export interface FixBindings {
  model?: string;
  x?: string;
  y?: string;
  optimizer?: string;
  /** The training call as the user wrote it (or rebuilt from its arguments), with `await`. */
  fit?: string;
}

export interface DiagnosisContext {
  /** What triggered this pass. Rules of a family run only on the phases that can feed them. */
  phase: 'fit-start' | 'step' | 'epoch' | 'finish';
  backend?: { name: string; isGpu: boolean; reason?: string };
  model?: ModelSummary;
  fit?: FitSummary;
  data?: DataStats;
  step: number;
  epoch: number;
  /** Per-step training loss (recent raw values) and the first losses of the run. */
  loss: SeriesView;
  firstLosses: number[];
  /** The first step whose loss was NaN/Inf (kept even after the recent window moves on). */
  firstNonFiniteLoss?: { step: number; epoch: number; value: number };
  /** The first step whose gradients held NaN/Inf. */
  firstNonFiniteGradientStep?: number;
  /** Per-step metrics by name (recent raw values): acc, lr, … */
  metrics: Record<string, SeriesView>;
  epochs: EpochRecord[];
  gradients: GradientSample[];
  firstGradients: GradientSample[];
  updates: UpdateSample[];
  probes: ProbeSample[];
  memory: MemorySample[];
  timing: TimingStats;
  /** Supplied kernels that ran inside training steps, when any did. */
  kernelFallback?: KernelFallbackStats;
  /** The user's names for the model, data, optimizer and fit call (fix code is bound to them). */
  bindings?: FixBindings;
  /** Set when the run ended with an error the kernel reported. */
  error?: { name: string; message: string };
  status?: 'ok' | 'error' | 'interrupted';
}

/** What a rule's check returns; the engine adds the rule's id, title, explanation, fix and source. */
export interface RuleHit {
  summary: string;
  values: Finding['evidence']['values'];
  step?: number;
  epoch?: number;
  layer?: string;
  /** Overrides the rule's severity for this hit (e.g. info when the cause is benign). */
  severity?: Severity;
  /** Extra words for the explanation or fix, specific to this hit. */
  detail?: string;
  /** Replaces the rule's fix text for this hit (e.g. the fix of one runtime error). */
  fixText?: string;
  /** Fix code for this hit: `$model`, `$x`, `$y`, `$optimizer`, `$fit` are bound by the engine. */
  fixCode?: string;
}

export interface Rule<Thresholds extends Record<string, number> = Record<string, number>> {
  id: string;
  family: RuleFamily;
  severity: Severity;
  title: string;
  /** Every threshold of the rule, in one place (docs/catalog.md lists them; tune them on the gallery). */
  thresholds: Thresholds;
  explanation: string;
  fix: { text: string; code?: string };
  source: string;
  /**
   * A cause is a configuration or data fact (model, loss, optimizer, data checks); a symptom is what
   * training showed (saturation, plateau, NaN…). Defaults: static/data/resources are causes,
   * dynamic/trend symptoms. The verdict (verdict.ts) puts a cause first and folds its symptoms under it.
   */
  role?: 'cause' | 'symptom';
  /** Findings this rule's finding can explain (folded under it when the evidence fits). */
  explains?: ReadonlyArray<string | Explains>;
  /** A cause whose evidence alone is weak (e.g. a learning rate just above the usual range): it is a
   *  note, not a warning, unless training showed a symptom it explains. */
  needsSymptom?(finding: Finding): boolean;
  /**
   * A trend seen in a window that can pass (a validation wobble, an oscillation that settles): if the
   * rule no longer holds when the run finishes, its finding becomes a note marked resolved.
   */
  transient?: boolean;
  /** For a symptom no cause explains: the sanity check that tells the causes apart (seed 000's method). */
  nextCheck?: { text: string; code: string };
  check(context: DiagnosisContext): RuleHit[];
}

/** One entry of `Rule.explains`: a finding id, and when the two findings' evidence fits together. */
export interface Explains {
  id: string;
  /** Fold only a symptom on a layer the cause names (an initializer on layer A explains dead units of A). */
  sameLayer?: boolean;
  /** Further fit between the evidence of both (a learning rate too HIGH explains an explosion, not a plateau). */
  when?(cause: Finding, symptom: Finding): boolean;
}

/** Identity helper that keeps a rule's threshold type while collecting rules in one array. */
export function defineRule<const T extends Record<string, number>>(rule: { thresholds: T } & NoInfer<Omit<Rule<T>, 'thresholds'>> & ThisType<Rule<T>>): Rule {
  return rule as unknown as Rule;
}
