// The training monitor (design.md "instrument.ts"): what a run does, observed with no change to
// the user's code. training-hooks.ts calls it around every fit/fitDataset and optimizer update;
// it records per-step loss/metrics/timings, gradient norms from the gradients the optimizer already
// received (no extra backward pass), weight update ratios, activation probes on a fixed small batch,
// data checks, and runs the diagnosis engine. Metrics leave as coalesced `metrics` events (~10/s),
// findings as `findings` events updated in place. Everything it allocates it disposes.
import { getHeapStatistics } from 'node:v8';
import type * as tfType from '@tensorflow/tfjs';
import type { Finding, KernelEvent, MetricPoint } from '../shared/protocol';
import {
  allRules,
  DiagnosisEngine,
  emptyContext,
  type DiagnosisContext,
  type DataStats,
  type EpochRecord,
  type GradientSample,
  type ProbeSample,
  type Rule,
} from '../shared/diagnosis';
import { isClassificationLoss } from '../shared/diagnosis/stats';
import { outputHead } from '../shared/diagnosis/model-shape';
import type { FitObservation, RunContext, RunMonitor, RunMonitorFactory, Tf } from './monitor-api';
import { Budget, gradientList, measureGradients, planProbe, runProbe, UpdateTracker, type GradientList, type ProbePlan } from './probes';
import { runConfigArtifact } from './run-config';
import { RUN_CONFIG_ARTIFACT } from '../shared/runs/capture';
import { computeDataStats, firstRows, firstTensor, hostCacheOf, READ_WHOLE_ELEMENTS, summarizeFit, summarizeModel, validationTensor, type HostCache } from './instrument-summary';
import { DatasetSample, validationDataset } from './dataset-sample';
import { Readbacks } from './readback';
import { suppliedKernelUsage, usageSince, type SuppliedKernelUsage } from './supplied-kernels';
import { findBindings } from './fix-binding';

/** Bounds that keep the monitor's memory flat on long runs and its cost small on every step. */
export const MONITOR_LIMITS = {
  flushMs: 100,
  recentSteps: 400,
  firstLosses: 10,
  gradientSamples: 60,
  firstGradientSamples: 5,
  updateSamples: 20,
  probeSamples: 10,
  memorySamples: 60,
  timingSamples: 60,
  epochRecords: 1000,
  probeRows: 32,
  /** Fraction of training time each sampled measurement may take (probes.ts Budget)… */
  gradientBudget: 0.0015,
  updateBudget: 0.001,
  probeBudget: 0.001,
  /** …plus this much measurement time per run for each of the three (ms): toy runs are sampled densely. */
  samplingAllowanceMs: 2,
  /** Rule passes during steps run on a step grid (never on the clock: same run, same findings)… */
  rulesPerDoubling: 8,
  rulesMaxInterval: 32,
  /** Sampled measurements that feed the rules: the warm-up steps, then this many per doubling of the step count, at most this far apart. */
  samplesPerDoubling: 4,
  samplesMaxInterval: 64,
  /** …except the first steps, each checked at once (a NaN or a stuck loss at step 0 is reported at step 0). */
  rulesEveryStepUntil: 5,
  /** Custom loops have no epochs: every this many steps form one pseudo-epoch for trend rules. */
  customEpochSteps: 10,
  /** Per-layer metric series are emitted only for models up to this many layers. */
  perLayerSeries: 50,
};

/** Models trained by an earlier fit in this kernel: their kernels are no longer at init scale. */
const trainedModels = new WeakSet<object>();

/**
 * Data statistics by the tensors they describe. A tensor's values never change (variables aside),
 * so re-running a training cell on the same x/y — the usual notebook loop — reuses the checks of the
 * first run instead of reading the data again. Keyed weakly by x; a few entries per x (y, the
 * validation data and the fit arguments the checks depend on).
 */
const dataStatsMemo = new WeakMap<object, Array<{ y: unknown; validation: unknown; key: string; stats: DataStats | undefined }>>();

function memoizedDataStats(tf: Tf, observation: FitObservation, classification: boolean, cache: HostCache): DataStats | undefined {
  const x = observation.x;
  const y = observation.y;
  const args = observation.args;
  const validation = Array.isArray(args.validationData) ? args.validationData[0] : args.validationData;
  const immutable = (value: unknown) => value == null || (value instanceof tf.Tensor && !(value instanceof tf.Variable));
  if (!x || !(x instanceof tf.Tensor) || !immutable(x) || !immutable(y) || !immutable(validation)) return computeDataStats(tf, observation, classification, cache);
  const key = JSON.stringify([classification, args.batchSize ?? null, args.validationSplit ?? null]);
  const entries = dataStatsMemo.get(x) ?? [];
  const known = entries.find((entry) => entry.y === y && entry.validation === validation && entry.key === key);
  if (known) return known.stats;
  const stats = computeDataStats(tf, observation, classification, cache);
  entries.push({ y, validation, key, stats });
  if (entries.length > 4) entries.shift();
  dataStatsMemo.set(x, entries);
  return stats;
}

const now = (): number => performance.now();

/**
 * Whether a step's measurements feed the diagnosis (issue 22: the time budget must not change what
 * is found). Every step of the warm-up, then `perDoubling` steps per doubling of the step count,
 * at most `maxInterval` apart: a seeded run gets the same samples however busy the machine is. The
 * time budget (probes.ts Budget) may add measurements in between — for the charts only.
 */
export function onSamplingGrid(step: number, warmup: number, perDoubling: number, maxInterval: number): boolean {
  if (step < warmup) return true;
  const interval = Math.min(maxInterval, 2 ** Math.max(0, Math.floor(Math.log2(Math.max(1, step) / perDoubling))));
  return step % interval === 0;
}

const GRADIENT_WARMUP = 6;
const UPDATE_WARMUP = 6;
const PROBE_WARMUP = 3;
const onGrid = (step: number, warmup: number) => onSamplingGrid(step, warmup, MONITOR_LIMITS.samplesPerDoubling, MONITOR_LIMITS.samplesMaxInterval);

function pushBounded<T>(list: T[], item: T, bound: number): void {
  list.push(item);
  if (list.length > bound) list.splice(0, list.length - bound);
}

function isGpuBackend(name: string): boolean {
  return /webgpu|webgl|tensorflow-gpu/.test(name);
}

export class TrainingMonitor implements RunMonitor {
  private readonly engine: DiagnosisEngine;
  private readonly context: DiagnosisContext = emptyContext('step');
  private pending: MetricPoint[] = [];
  private lastFlush = 0;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** The update snapshot being held was taken on the sampling grid (its measurement feeds the rules). */
  private updateSnapshotOnGrid = false;
  /** Last step a probe fed the rules (grid or a fixed point: epoch end, first NaN, end of fit). */
  private lastRuleProbe = -Infinity;
  private finished = false;

  private step = 0;
  private epoch = 0;
  /** Epochs completed by earlier fits of this run (a cell calling fit in a loop keeps counting). */
  private epochOffset = 0;
  private epochsThisFit = 0;
  /** The x/y the data checks last looked at: a fit loop over the same arrays is checked once. */
  private checkedData: { x: unknown; y: unknown } | undefined;
  private inFit = false;
  private model: tfType.LayersModel | undefined;
  /** fitDataset: the batches being watched for the data checks and the probe batch. */
  private datasetSample:
    | { sample: DatasetSample; dataset: unknown; args: Record<string, unknown>; classification: boolean; validation?: { sample: DatasetSample; dataset: unknown } }
    | undefined;
  private layerOfVariable = new Map<string, string>();
  private probePlan: ProbePlan | undefined;
  private probeInput: tfType.Tensor | undefined;
  private batchStart = 0;
  /** Supplied-kernel usage when the current step began (perf.kernel-fallback). */
  private kernelUsageAtStepStart: SuppliedKernelUsage[] | undefined;
  private lastBatchEnd: number | undefined;
  private epochStart = 0;
  private stepMsAverage = 0;
  private lastLearningRate: number | undefined;
  private restoreEvaluate: (() => void) | undefined;
  private customPending = false;
  private customLastStepEnd: number | undefined;
  private customWindow: number[] = [];
  private logStep = 0;
  private progressDirty = false;
  private batchesPerEpoch: number | undefined;
  private readonly failures = new Set<string>();

  // Early steps decide the most (dead units, NaN, a loss stuck from the start), so the first few
  // are always measured; afterwards each measurement keeps to its share of the step time.
  private readonly gradientBudget = new Budget(MONITOR_LIMITS.gradientBudget, 10_000, 6, 2, MONITOR_LIMITS.samplingAllowanceMs);
  private readonly updateBudget = new Budget(MONITOR_LIMITS.updateBudget, 10_000, 6, 2, MONITOR_LIMITS.samplingAllowanceMs);
  private readonly probeBudget = new Budget(MONITOR_LIMITS.probeBudget, 10_000, 3, 2, MONITOR_LIMITS.samplingAllowanceMs);
  private readonly updates: UpdateTracker;
  /** The monitor's readbacks: synchronous, or asynchronous on webgpu (readback.ts). */
  private readonly reads: Readbacks;
  /** Measured cost of the monitor's sampled work (for the overhead benchmark). */
  readonly cost = { gradientMs: 0, gradientSamples: 0, updateMs: 0, updateSamples: 0, probeMs: 0, probeSamples: 0, rulesMs: 0, rulePasses: 0, fitStartMs: 0, callbackMs: 0 };

  constructor(
    private readonly tf: Tf,
    private readonly run: RunContext,
    rules: readonly Rule[] = allRules,
  ) {
    this.engine = new DiagnosisEngine(rules);
    this.updates = new UpdateTracker(tf);
    this.reads = new Readbacks(tf, (where, error) => this.reportFailure(where, error));
    this.context.backend = { name: run.backend, isGpu: run.backendIsGpu ?? isGpuBackend(run.backend) };
    if (!this.context.backend.isGpu) {
      this.context.backend.reason = isGpuBackend(run.backend) ? `${run.backend} runs on a software adapter (on the CPU), not a GPU` : 'no GPU backend (tfjs-node-gpu or WebGPU) is active in this kernel';
    }
  }

  // ───────────────────────────── fit ─────────────────────────────

  beforeFit(observation: FitObservation): tfType.CustomCallbackArgs {
    this.completeCustomStep();
    this.inFit = true;
    this.model = observation.model;
    const start = now();
    this.guard('fit-start', () => this.startFit(observation));
    this.cost.fitStartMs += now() - start;
    return {
      onEpochBegin: async (epoch) => this.guard('epoch-begin', () => this.onEpochBegin(epoch)),
      onBatchBegin: async () => this.guard('batch-begin', () => this.onBatchBegin()),
      // Values read back asynchronously (webgpu: readback.ts) are in before the rules look.
      onBatchEnd: async (batch, logs) => {
        if (this.reads.pending) await this.reads.settle();
        this.guard('batch-end', () => this.onBatchEnd(batch, logs ?? {}));
      },
      onEpochEnd: async (epoch, logs) => {
        if (this.reads.pending) await this.reads.settle();
        this.guard('epoch-end', () => this.onEpochEnd(epoch, logs ?? {}));
      },
      onTrainEnd: async () => {
        if (this.reads.pending) await this.reads.settle();
        this.guard('train-end', () => this.endFit());
        if (this.reads.pending) await this.reads.settle();
      },
    };
  }

  private startFit(observation: FitObservation): void {
    const model = observation.model;
    const previouslyTrained = trainedModels.has(model);
    trainedModels.add(model);
    // On webgpu the kernels' scales land after this fit-start pass: the rule that reads them looks again then.
    const summary = summarizeModel(this.tf, model, previouslyTrained, this.reads, () => this.runRules('fit-start', true, ['model.bad-init']));
    const fit = summarizeFit(observation);
    this.context.model = summary;
    this.context.fit = fit;
    this.guard('fix-bindings', () => (this.context.bindings = findBindings(observation, this.run.code)));
    this.context.phase = 'fit-start';
    this.layerOfVariable = new Map(model.layers.flatMap((layer) => layer.trainableWeights.map((w) => [w.name, layer.name] as [string, string])));
    const head = outputHead(summary);
    const classification = summary.losses.some(isClassificationLoss) || head.activation === 'softmax' || head.activation === 'sigmoid';
    // One host copy of x/y serves every check of this fit start, then is dropped (wasm slices read whole tensors anyway).
    const cache: HostCache = new Map();
    const sameData = this.checkedData && this.checkedData.x === (observation.dataset ?? observation.x) && this.checkedData.y === observation.y;
    if (observation.dataset !== undefined) this.datasetSample = sameData ? undefined : this.watchDatasets(observation, classification);
    else if (!sameData)
      this.guard('data-checks', () => {
        if (!this.reads.synchronous) return this.checkDataLater(observation, classification);
        const data = memoizedDataStats(this.tf, observation, classification, cache);
        if (data) this.context.data = data;
        this.checkedData = { x: observation.x, y: observation.y };
      });
    if (fit.samples && fit.batchSize) this.batchesPerEpoch = Math.ceil(fit.samples / fit.batchSize);
    this.guard('probe-setup', () => this.setupProbe(observation, cache));
    cache.clear();
    this.wrapEvaluate(model);
    this.epochStart = now();
    this.runRules('fit-start', true);
    // The run store records how the fit was configured (issue 20, run-config.ts).
    this.guard('run-config', () => this.run.emit({ type: 'artifact', runId: this.run.runId, kind: RUN_CONFIG_ARTIFACT, data: runConfigArtifact(summary, fit, observation, this.context.data) }));
    this.flush(true);
    this.context.phase = 'step';
  }

  /**
   * webgpu (no synchronous reads, readback.ts): the fit's x, y and validation x are read with
   * data(); the data checks run on those host copies when they land, before the first batch's rules.
   */
  private checkDataLater(observation: FitObservation, classification: boolean): void {
    const tf = this.tf;
    const tensors = [firstTensor(observation.x), firstTensor(observation.y), validationTensor(observation.args)].filter(
      (tensor): tensor is tfType.Tensor => tensor instanceof tf.Tensor && !tensor.isDisposed,
    );
    if (!tensors.length) return;
    const largest = Math.max(...tensors.map((tensor) => tensor.size));
    if (largest > READ_WHOLE_ELEMENTS) {
      this.run.emit({ type: 'log', level: 'info', message: `Lossbook data checks skipped on webgpu: the fit's data (${largest.toLocaleString('en-US')} values in one tensor) is larger than the ${READ_WHOLE_ELEMENTS.toLocaleString('en-US')} values read back for them.` });
      return;
    }
    this.reads.read('data-checks', tensors.map((tensor) => tf.clone(tensor)), (values) => {
      const start = now();
      const cache = hostCacheOf(tensors.map((tensor, i) => [tensor, values[i]!]));
      const data = memoizedDataStats(tf, observation, classification, cache);
      if (data) this.context.data = data;
      this.checkedData = { x: observation.x, y: observation.y };
      this.cost.fitStartMs += now() - start;
      this.runRules('fit-start', true, ['data']);
      this.flush(true);
    });
  }

  private watchDatasets(observation: FitObservation, classification: boolean): NonNullable<TrainingMonitor['datasetSample']> {
    const validation = validationDataset(observation.args);
    return {
      sample: new DatasetSample(this.tf, () => this.datasetSampled()),
      dataset: observation.dataset,
      args: observation.args,
      classification,
      ...(validation ? { validation: { sample: new DatasetSample(this.tf, () => this.validationSampled()), dataset: validation } } : {}),
    };
  }

  observeDataset(dataset: unknown): unknown {
    const watched = this.datasetSample;
    if (!watched) return dataset;
    if (watched.dataset === dataset) return watched.sample.view(dataset);
    if (watched.validation && watched.validation.dataset === dataset) return watched.validation.sample.view(dataset);
    return dataset;
  }

  /**
   * The validation dataset's first batches are in. Usually the training sample was checked
   * before (fitDataset validates at the end of an epoch): only the overlap check runs now.
   */
  private validationSampled(): void {
    const watched = this.datasetSample;
    if (!watched?.validation || !watched.sample.complete) return;
    const data = this.context.data;
    if (!data || data.overlap) return;
    const start = now();
    this.guard('data-checks', () => {
      const overlap = watched.sample.overlapWith(watched.validation!.sample);
      if (overlap) data.overlap = overlap;
    });
    this.cost.fitStartMs += now() - start;
    if (data.overlap) {
      this.runRules('fit-start', true, ['data.train-val-overlap']);
      this.flush(true);
    }
  }

  /** The first epoch (or the fit) ended: what the dataset views saw is their sample. */
  private closeDatasetSamples(): void {
    this.datasetSample?.sample.close();
    this.datasetSample?.validation?.sample.close();
  }

  /** The dataset's first batches are in: data checks on them, a probe batch from them, rules at once. */
  private datasetSampled(): void {
    const watched = this.datasetSample;
    const model = this.model;
    if (!watched || !model) return;
    const start = now();
    this.guard('data-checks', () => {
      const data = watched.sample.stats(model, watched.args, watched.classification, watched.validation?.sample);
      if (data) this.context.data = data;
      this.checkedData = { x: watched.dataset, y: undefined };
      if (watched.sample.skipped) this.run.emit({ type: 'log', level: 'info', message: `Lossbook data checks skipped for this dataset: ${watched.sample.skipped}.` });
    });
    this.guard('probe-setup', () => {
      if (this.probeInput || model.inputs.length !== 1) return;
      const plan = planProbe(model);
      const input = plan ? watched.sample.firstRows(MONITOR_LIMITS.probeRows) : undefined;
      if (plan && input) {
        this.probePlan = plan;
        this.probeInput = input;
      }
    });
    this.cost.fitStartMs += now() - start;
    // The data family runs at fit start; a dataset's data is known only now.
    this.runRules('fit-start', true, ['data']);
    this.flush(true);
  }

  private setupProbe(observation: FitObservation, cache: HostCache): void {
    this.disposeProbeInput();
    const x = observation.x;
    if (!x || Array.isArray(x) || typeof (x as tfType.Tensor).slice !== 'function') return;
    const tensor = x as tfType.Tensor;
    if (observation.model.inputs.length !== 1 || tensor.isDisposed) return;
    const plan = planProbe(observation.model);
    if (!plan) return;
    const rows = Math.min(MONITOR_LIMITS.probeRows, tensor.shape[0] ?? 0);
    if (rows < 1) return;
    this.probePlan = plan;
    this.probeInput = firstRows(this.tf, tensor, rows, cache);
  }

  private wrapEvaluate(model: tfType.LayersModel): void {
    this.restoreEvaluate?.();
    const target = model as unknown as Record<'evaluate' | 'predict', (...args: unknown[]) => unknown>;
    const ownEvaluate = Object.prototype.hasOwnProperty.call(target, 'evaluate');
    const ownPredict = Object.prototype.hasOwnProperty.call(target, 'predict');
    const evaluate = target.evaluate;
    const predict = target.predict;
    const timing = this.context.timing;
    const counted = (original: (...args: unknown[]) => unknown) =>
      function (this: unknown, ...args: unknown[]) {
        const start = now();
        try {
          return original.apply(this, args);
        } finally {
          timing.evaluateCalls++;
          timing.evaluateMs += now() - start;
        }
      };
    target.evaluate = counted(evaluate);
    target.predict = counted(predict);
    this.restoreEvaluate = () => {
      if (ownEvaluate) target.evaluate = evaluate;
      else delete (target as Partial<typeof target>).evaluate;
      if (ownPredict) target.predict = predict;
      else delete (target as Partial<typeof target>).predict;
      this.restoreEvaluate = undefined;
    };
  }

  private onEpochBegin(epoch: number): void {
    this.epoch = this.epochOffset + epoch;
    this.epochsThisFit = epoch + 1;
    this.epochStart = now();
  }

  private onBatchBegin(): void {
    const start = now();
    this.kernelUsageAtStepStart = suppliedKernelUsage();
    if (this.lastBatchEnd !== undefined) pushBounded(this.context.timing.betweenBatchMs, start - this.lastBatchEnd, MONITOR_LIMITS.timingSamples);
    this.batchStart = start;
    this.evaluateMsAtBatchStart = this.context.timing.evaluateMs;
  }

  private onBatchEnd(batch: number, logs: tfType.Logs): void {
    const end = now();
    // The kernel runs the user's callbacks before ours: evaluation they do per batch is not step time.
    const stepMs = Math.max(0, end - this.batchStart - (this.context.timing.evaluateMs - this.evaluateMsAtBatchStart));
    const step = this.step;
    this.recordStepTiming(stepMs);
    for (const [name, value] of Object.entries(logs)) {
      if (name === 'batch' || name === 'size' || typeof value !== 'number') continue;
      if (name === 'loss') this.recordLoss(step, value);
      else this.recordMetric(name, step, value);
    }
    this.point('batch_ms', step, stepMs);
    this.recordLearningRate(step);
    this.recordMemory(step);
    this.maybeProbe(step);
    this.step++;
    this.context.step = step;
    this.context.epoch = this.epoch;
    this.progressDirty = true;
    this.progressBatch = batch;
    this.runRules('step', false);
    this.lastBatchEnd = now();
    this.maybeFlush();
  }

  private progressBatch: number | undefined;
  private evaluateMsAtBatchStart = 0;

  private onEpochEnd(epoch: number, logs: tfType.Logs): void {
    this.closeDatasetSamples();
    const ms = now() - this.epochStart;
    const step = Math.max(0, this.step - 1);
    const record: EpochRecord = { epoch: this.epochOffset + epoch, step, logs: {}, ms };
    for (const [name, value] of Object.entries(logs)) if (typeof value === 'number') record.logs[name] = value;
    this.pushEpoch(record);
    for (const [name, value] of Object.entries(record.logs)) if (name.startsWith('val_')) this.point(name, step, value, record.epoch);
    this.point('epoch_ms', step, ms, record.epoch);
    if (this.lastLearningRate !== undefined) this.point('lr', step, this.lastLearningRate, record.epoch);
    // Short runs may end between sampled probes: look again at epoch ends (a fixed point of the run).
    if (step - this.lastRuleProbe >= 8) this.probe(step);
    this.runRules('epoch', true);
    this.flush(true);
  }

  private endFit(): void {
    this.closeDatasetSamples();
    this.datasetSample = undefined;
    this.epochOffset += this.epochsThisFit;
    this.epochsThisFit = 0;
    const last = Math.max(0, this.step - 1);
    if (last > this.lastRuleProbe) this.probe(last);
    this.inFit = false;
    this.restoreEvaluate?.();
    this.updates.release();
    this.runRules('epoch', true);
    this.disposeProbeInput();
    this.lastBatchEnd = undefined;
    this.flush(true);
  }

  // ───────────────────────────── optimizer ─────────────────────────────

  onGradients(_optimizer: tfType.Optimizer, gradients: tfType.NamedTensorMap | GradientList): void {
    this.guard('gradients', () => {
      if (!this.inFit) {
        // A custom loop: each optimizer update is one step (minimize reports its loss right after).
        if (this.customPending) this.completeCustomStep();
        this.customPending = true;
        this.context.fit ??= { kind: 'custom', shuffle: true, hasValidation: false };
      }
      const step = this.step;
      const gradientsOnGrid = onGrid(step, GRADIENT_WARMUP);
      const snapshotOnGrid = onGrid(step, UPDATE_WARMUP);
      // Budget.due first: it is the one that keeps its own clock.
      const gradientsDue = this.gradientBudget.due(step) || gradientsOnGrid;
      const snapshotDue = !this.updates.holding && (this.updateBudget.due(step) || snapshotOnGrid);
      // Most steps measure nothing: leave before building the gradient list.
      if (!gradientsDue && !this.updates.holding && !snapshotDue) return;
      const list = gradientList(gradients);
      if (!list.length) return;
      if (gradientsDue) this.measureGradients(step, list);
      if (this.updates.holding) {
        const start = now();
        const onGridSnapshot = this.updateSnapshotOnGrid;
        this.updates.measure(
          step,
          this.reads,
          (sample) => {
            if (onGridSnapshot) pushBounded(this.context.updates, sample, MONITOR_LIMITS.updateSamples);
            for (const layer of sample.layers) this.point(`update_ratio/${layer.name}`, sample.step, layer.ratio);
          },
          this.layerOfVariable,
        );
        const cost = now() - start;
        this.cost.updateMs += cost;
        this.cost.updateSamples++;
        this.updateBudget.record(step, cost, this.stepMsAverage);
      } else if (snapshotDue) {
        const start = now();
        const registered = this.tf.engine().registeredVariables;
        const variables = list.map((g) => ({ name: g.name, variable: registered[g.name]! })).filter((v) => v.variable);
        this.updates.take(variables);
        this.updateSnapshotOnGrid = snapshotOnGrid;
        this.cost.updateMs += now() - start;
      }
    });
  }

  onMinimize(_optimizer: tfType.Optimizer, loss: tfType.Scalar | null): void {
    if (this.inFit) return; // fit reports its loss per batch through the callbacks
    this.guard('minimize', () => {
      if (!loss || loss.isDisposed) return this.completeCustomStep();
      if (this.reads.synchronous) return this.completeCustomStep(loss.dataSync()[0]);
      // webgpu: the step completes now and its loss is recorded when the read lands (a clone: the loss is the user's).
      const step = this.step;
      this.completeCustomStep();
      this.reads.read('minimize', [this.tf.clone(loss)], ([values]) => {
        const value = values![0]!;
        this.recordLoss(step, value);
        this.addToCustomWindow(step, value);
      });
    });
  }

  private completeCustomStep(loss?: number): void {
    if (!this.customPending && loss === undefined) return;
    this.customPending = false;
    const step = this.step;
    const end = now();
    if (this.customLastStepEnd !== undefined) this.recordStepTiming(end - this.customLastStepEnd);
    this.customLastStepEnd = end;
    this.kernelUsageAtStepStart = suppliedKernelUsage();
    if (loss !== undefined) {
      this.recordLoss(step, loss);
      this.addToCustomWindow(step, loss);
    }
    this.recordLearningRate(step);
    this.recordMemory(step);
    this.step++;
    this.context.step = step;
    this.progressDirty = true;
    this.runRules('step', false);
    this.maybeFlush();
  }

  private addToCustomWindow(step: number, loss: number): void {
    this.customWindow.push(loss);
    if (this.customWindow.length < MONITOR_LIMITS.customEpochSteps) return;
    const finite = this.customWindow.filter(Number.isFinite);
    const mean = finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : Number.NaN;
    this.customWindow = [];
    this.pushEpoch({ epoch: this.context.epochs.length, step, logs: { loss: mean } });
    // Pseudo-epochs of a custom loop come every few steps: rule passes stay throttled.
    this.runRules('epoch', false);
  }

  // ───────────────────────────── lossbook.log ─────────────────────────────

  log(values: Record<string, number>, step?: number): void {
    this.guard('log', () => {
      const at = step ?? (this.inFit ? this.step : this.logStep++);
      for (const [name, value] of Object.entries(values)) {
        if (typeof value !== 'number') continue;
        if (name === 'loss' && !this.inFit && !this.customPending) {
          // A hand-written loop reporting its loss: diagnose it like a training loss.
          this.context.fit ??= { kind: 'custom', shuffle: true, hasValidation: false };
          this.recordLoss(at, value);
          this.addToCustomWindow(at, value);
          this.context.step = at;
          this.runRules('step', false);
        } else this.recordMetric(name, at, value);
      }
      this.maybeFlush();
    });
  }

  findings(): Finding[] {
    return this.engine.findings();
  }

  finish(status: 'ok' | 'error' | 'interrupted', error?: { name: string; message: string }): void {
    if (this.finished) return;
    this.finished = true;
    this.guard('finish', () => {
      this.completeCustomStep();
      if (this.customWindow.length >= MONITOR_LIMITS.customEpochSteps / 2) {
        const finite = this.customWindow.filter(Number.isFinite);
        if (finite.length) this.pushEpoch({ epoch: this.context.epochs.length, step: this.step, logs: { loss: finite.reduce((a, b) => a + b, 0) / finite.length } });
      }
      this.context.status = status;
      if (error) this.context.error = error;
      this.runRules('finish', true);
    });
    this.release();
    this.flush(true);
  }

  dispose(): void {
    this.release();
    this.pending = [];
  }

  // ───────────────────────────── recording ─────────────────────────────

  private recordLoss(step: number, value: number): void {
    const context = this.context;
    pushBounded(context.loss.steps, step, MONITOR_LIMITS.recentSteps);
    pushBounded(context.loss.values, value, MONITOR_LIMITS.recentSteps);
    if (context.firstLosses.length < MONITOR_LIMITS.firstLosses) context.firstLosses.push(value);
    if (!Number.isFinite(value) && !context.firstNonFiniteLoss) {
      context.firstNonFiniteLoss = { step, epoch: this.epoch, value };
      // Locate the first non-finite layer right away while the evidence is fresh (catalog loss.nan).
      if (this.probeInput) this.probe(step);
    }
    this.point('loss', step, value);
  }

  private recordMetric(name: string, step: number, value: number): void {
    const series = (this.context.metrics[name] ??= { steps: [], values: [] });
    pushBounded(series.steps, step, MONITOR_LIMITS.recentSteps);
    pushBounded(series.values, value, MONITOR_LIMITS.recentSteps);
    this.point(name, step, value);
  }

  private recordStepTiming(stepMs: number): void {
    this.recordKernelFallback(stepMs);
    pushBounded(this.context.timing.stepMs, stepMs, MONITOR_LIMITS.timingSamples);
    this.context.timing.batches++;
    this.stepMsAverage = this.stepMsAverage === 0 ? stepMs : 0.9 * this.stepMsAverage + 0.1 * stepMs;
  }

  /** Supplied kernels (issue 18) that ran during this step, against the step's time (perf.kernel-fallback). */
  private recordKernelFallback(stepMs: number): void {
    const before = this.kernelUsageAtStepStart;
    this.kernelUsageAtStepStart = undefined;
    if (!before) return;
    const stats = (this.context.kernelFallback ??= { backend: this.run.backend, kernels: [], stepMs: 0, steps: 0 });
    stats.stepMs += stepMs;
    stats.steps += 1;
    for (const used of usageSince(before)) {
      let kernel = stats.kernels.find((entry) => entry.name === used.kernelName);
      if (!kernel) stats.kernels.push((kernel = { name: used.kernelName, implementation: used.implementation, calls: 0, ms: 0 }));
      kernel.calls += used.calls;
      kernel.ms += used.ms;
    }
  }

  private recordLearningRate(step: number): void {
    const optimizer = (this.model as unknown as { optimizer?: { learningRate?: unknown } } | undefined)?.optimizer;
    const lr = optimizer?.learningRate;
    if (typeof lr !== 'number') return;
    if (lr !== this.lastLearningRate) {
      this.recordMetric('lr', step, lr);
      this.lastLearningRate = lr;
      if (this.context.model?.optimizer) this.context.model.optimizer.learningRate = lr;
    }
  }

  private recordMemory(step: number): void {
    const memory = this.tf.memory();
    const sample: DiagnosisContext['memory'][number] = { step, numTensors: memory.numTensors, numBytes: memory.numBytes };
    if (step % 20 === 0) {
      // The JS heap against its limit (mem.oom warns near it); V8's own counters, no /proc read.
      const heap = getHeapStatistics();
      sample.heapUsedBytes = heap.used_heap_size;
      sample.heapLimitBytes = heap.heap_size_limit;
    }
    pushBounded(this.context.memory, sample, MONITOR_LIMITS.memorySamples);
  }

  private measureGradients(step: number, list: GradientList): void {
    const start = now();
    measureGradients(this.tf, step, list, this.reads, (sample) => this.recordGradients(sample), this.layerOfVariable);
    const cost = now() - start;
    this.cost.gradientMs += cost;
    this.cost.gradientSamples++;
    this.gradientBudget.record(step, cost, this.stepMsAverage);
  }

  private recordGradients(sample: GradientSample): void {
    const step = sample.step;
    // Only grid samples reach the rules; the budget's extra ones are for the charts.
    if (onGrid(step, GRADIENT_WARMUP)) {
      pushBounded(this.context.gradients, sample, MONITOR_LIMITS.gradientSamples);
      if (this.context.firstGradients.length < MONITOR_LIMITS.firstGradientSamples) this.context.firstGradients.push(sample);
      if (sample.nonFinite && this.context.firstNonFiniteGradientStep === undefined) this.context.firstNonFiniteGradientStep = step;
    }
    this.point('grad_norm', step, sample.globalNorm);
    if (sample.layers.length <= MONITOR_LIMITS.perLayerSeries) for (const layer of sample.layers) this.point(`grad_norm/${layer.name}`, step, layer.norm);
  }

  private maybeProbe(step: number): void {
    if (!this.probeInput || !this.probePlan || this.run.signal.aborted) return;
    const onGridStep = onGrid(step, PROBE_WARMUP);
    if (this.probeBudget.due(step) || onGridStep) this.probe(step, onGridStep);
  }

  /** `feedsRules`: a grid step or a fixed point of the run (epoch end, first NaN, end of fit), never a budget extra. */
  private probe(step: number, feedsRules = true): void {
    if (!this.probeInput || !this.probePlan || !this.model) return;
    const plan = this.probePlan;
    const model = this.model;
    const input = this.probeInput;
    this.guard('probe', () => {
      const start = now();
      if (feedsRules) this.lastRuleProbe = step;
      runProbe(this.tf, model, plan, input, step, this.reads, (sample: ProbeSample) => {
        if (feedsRules) pushBounded(this.context.probes, sample, MONITOR_LIMITS.probeSamples);
        for (const layer of sample.layers) {
          if (layer.deadFraction !== undefined) this.point(`dead_fraction/${layer.name}`, step, layer.deadFraction);
          if (layer.saturatedFraction !== undefined) this.point(`saturated_fraction/${layer.name}`, step, layer.saturatedFraction);
        }
      });
      const cost = now() - start;
      this.cost.probeMs += cost;
      this.cost.probeSamples++;
      this.probeBudget.record(step, cost, this.stepMsAverage);
    });
  }

  private pushEpoch(record: EpochRecord): void {
    const epochs = this.context.epochs;
    epochs.push(record);
    // Keep the first epoch (plateau/slow rules compare with it) and a bounded recent window.
    if (epochs.length > MONITOR_LIMITS.epochRecords) epochs.splice(1, epochs.length - MONITOR_LIMITS.epochRecords);
  }

  // ───────────────────────────── rules and events ─────────────────────────────

  /** `only`: rule families or rule ids to run (all when omitted). */
  private runRules(phase: DiagnosisContext['phase'], force: boolean, only?: Parameters<DiagnosisEngine['run']>[1]): void {
    const start = now();
    // On a step grid, not the clock: which windows the rules see must not depend on the machine's load.
    const step = this.context.step;
    if (!force && step >= MONITOR_LIMITS.rulesEveryStepUntil && !onSamplingGrid(step, 0, MONITOR_LIMITS.rulesPerDoubling, MONITOR_LIMITS.rulesMaxInterval)) return;
    this.context.phase = phase;
    this.context.epoch = this.epoch;
    this.engine.run(this.context, only);
    this.context.phase = 'step';
    this.cost.rulesMs += now() - start;
    this.cost.rulePasses++;
  }

  private point(name: string, step: number, value: number, epoch = this.epoch): void {
    this.pending.push({ name, step, epoch, value: Number.isFinite(value) ? value : null });
  }

  private maybeFlush(): void {
    const time = now();
    if (time - this.lastFlush >= MONITOR_LIMITS.flushMs || this.pending.length > 5000) this.flush(false);
    else if (!this.flushTimer && !this.finished) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        this.flush(false);
      }, MONITOR_LIMITS.flushMs);
      this.flushTimer.unref?.();
    }
  }

  private flush(force: boolean): void {
    if (this.flushTimer && force) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    this.lastFlush = now();
    const runId = this.run.runId;
    const events: KernelEvent[] = [];
    if (this.pending.length) {
      events.push({ type: 'metrics', runId, points: this.pending });
      this.pending = [];
    }
    if (this.progressDirty) {
      this.progressDirty = false;
      const epochs = this.context.fit?.epochs;
      const lastLoss = this.context.loss.values[this.context.loss.values.length - 1];
      events.push({
        type: 'progress',
        runId,
        epoch: this.epoch,
        step: Math.max(0, this.step - 1),
        ...(epochs !== undefined ? { epochs } : {}),
        ...(this.progressBatch !== undefined && this.inFit ? { batch: this.progressBatch } : {}),
        ...(this.batchesPerEpoch !== undefined && this.inFit ? { batchesPerEpoch: this.batchesPerEpoch } : {}),
        loss: lastLoss !== undefined && Number.isFinite(lastLoss) ? lastLoss : null,
      });
    }
    const changed = this.engine.takeChanged();
    if (changed.length) events.push({ type: 'findings', runId, findings: changed });
    for (const event of events) {
      try {
        this.run.emit(event);
      } catch {
        // The stream is the kernel's; a failing emit must not break the user's training.
      }
    }
  }

  /** Run monitor work so that a failure never reaches the user's training (reported once). */
  private guard(where: string, work: () => void): void {
    const start = now();
    try {
      work();
    } catch (error) {
      this.reportFailure(where, error);
    } finally {
      if (where.startsWith('batch') || where.startsWith('epoch') || where === 'gradients') this.cost.callbackMs += now() - start;
    }
  }

  /** A monitor step that failed: said once per place, and training goes on. */
  private reportFailure(where: string, error: unknown): void {
    if (this.failures.has(where)) return;
    this.failures.add(where);
    const message = error instanceof Error ? error.message : String(error);
    try {
      this.run.emit({ type: 'log', level: 'warn', message: `Lossbook monitor (${where}) skipped: ${message}` });
    } catch {
      // nothing more to do
    }
  }

  private disposeProbeInput(): void {
    this.probeInput?.dispose();
    this.probeInput = undefined;
    this.probePlan = undefined;
  }

  private release(): void {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    this.restoreEvaluate?.();
    this.updates.release();
    this.disposeProbeInput();
    this.datasetSample = undefined;
  }
}

export const createRunMonitor: RunMonitorFactory = (tf, context) => new TrainingMonitor(tf, context);
