// The run's record: the diagnosis context with its bounded series, the run's position (step,
// epoch, whether a fit is running), the rule engine that reads the context, and the points that
// leave for the charts. The hooks (fit-hooks.ts, custom-loop.ts, …) observe; this file records.
import { getHeapStatistics } from 'node:v8';
import type * as tfType from '@tensorflow/tfjs';
import type { Finding, KernelEvent } from '../../shared/protocol';
import { DiagnosisEngine, emptyContext, type DiagnosisContext, type EpochRecord, type GradientSample, type ProbeSample, type Rule, type UpdateSample } from '../../shared/diagnosis';
import { layerSeriesPoints, SERIES } from '../../shared/series';
import type { RunContext, Tf } from '../monitor-api';
import { suppliedKernelUsage, usageSince, type SuppliedKernelUsage } from '../supplied-kernels';
import type { EventBatcher } from './event-batcher';
import { MONITOR_LIMITS, now, onGrid, onSamplingGrid, pushBounded, WARMUP } from './limits';

function isGpuBackend(name: string): boolean {
  return /webgpu|webgl|tensorflow-gpu/.test(name);
}

/** Measured cost of the monitor's sampled work (for the overhead benchmark). */
// A type, not an interface: the benchmark builds one from Object.fromEntries of its keys.
export type MonitorCost = {
  gradientMs: number;
  gradientSamples: number;
  updateMs: number;
  updateSamples: number;
  probeMs: number;
  probeSamples: number;
  rulesMs: number;
  rulePasses: number;
  fitStartMs: number;
  callbackMs: number;
};

export class RunRecorder {
  readonly context: DiagnosisContext = emptyContext('step');
  readonly cost: MonitorCost = { gradientMs: 0, gradientSamples: 0, updateMs: 0, updateSamples: 0, probeMs: 0, probeSamples: 0, rulesMs: 0, rulePasses: 0, fitStartMs: 0, callbackMs: 0 };
  /** The next step's index (fit batches and custom-loop updates alike). */
  step = 0;
  epoch = 0;
  inFit = false;
  /** The model of the current (or last) fit. */
  model: tfType.LayersModel | undefined;
  /** Trainable variable name → its layer's name (per-layer series and samples). */
  layerOfVariable = new Map<string, string>();
  /** Moving average of the step time: the measurement budgets are shares of it. */
  stepMsAverage = 0;
  lastLearningRate: number | undefined;
  /** What the next `progress` event says beyond step and epoch; `dirty` when one is due. */
  readonly progress: { dirty: boolean; batch?: number; batchesPerEpoch?: number } = { dirty: false };
  private readonly engine: DiagnosisEngine;
  /** Supplied-kernel usage when the current step began (perf.kernel-fallback). */
  private kernelUsageAtStepStart: SuppliedKernelUsage[] | undefined;
  private readonly failures = new Set<string>();

  /** `onFirstNonFiniteLoss`: called once, at the step the loss first turns NaN/Inf (the probe locates the layer while the evidence is fresh). */
  constructor(
    private readonly tf: Tf,
    private readonly run: RunContext,
    rules: readonly Rule[],
    private readonly batcher: EventBatcher,
    private readonly onFirstNonFiniteLoss: (step: number) => void,
  ) {
    this.engine = new DiagnosisEngine(rules);
    this.context.backend = { name: run.backend, isGpu: run.backendIsGpu ?? isGpuBackend(run.backend) };
    if (!this.context.backend.isGpu) {
      this.context.backend.reason = isGpuBackend(run.backend) ? `${run.backend} runs on a software adapter (on the CPU), not a GPU` : 'no GPU backend (tfjs-node-gpu or WebGPU) is active in this kernel';
    }
  }

  // ───────────────────────────── series ─────────────────────────────

  recordLoss(step: number, value: number): void {
    const context = this.context;
    pushBounded(context.loss.steps, step, MONITOR_LIMITS.recentSteps);
    pushBounded(context.loss.values, value, MONITOR_LIMITS.recentSteps);
    if (context.firstLosses.length < MONITOR_LIMITS.firstLosses) context.firstLosses.push(value);
    if (!Number.isFinite(value) && !context.firstNonFiniteLoss) {
      context.firstNonFiniteLoss = { step, epoch: this.epoch, value };
      // Locate the first non-finite layer right away while the evidence is fresh (catalog loss.nan).
      this.onFirstNonFiniteLoss(step);
    }
    this.point(SERIES.loss, step, value);
  }

  recordMetric(name: string, step: number, value: number): void {
    const series = (this.context.metrics[name] ??= { steps: [], values: [] });
    pushBounded(series.steps, step, MONITOR_LIMITS.recentSteps);
    pushBounded(series.values, value, MONITOR_LIMITS.recentSteps);
    this.point(name, step, value);
  }

  /** A training step begins: supplied kernels used from now on count against it. */
  markStepStart(): void {
    this.kernelUsageAtStepStart = suppliedKernelUsage();
  }

  recordStepTiming(stepMs: number): void {
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

  recordLearningRate(step: number): void {
    const optimizer = (this.model as unknown as { optimizer?: { learningRate?: unknown } } | undefined)?.optimizer;
    const lr = optimizer?.learningRate;
    if (typeof lr !== 'number') return;
    if (lr !== this.lastLearningRate) {
      this.recordMetric(SERIES.learningRate, step, lr);
      this.lastLearningRate = lr;
      if (this.context.model?.optimizer) this.context.model.optimizer.learningRate = lr;
    }
  }

  recordMemory(step: number): void {
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

  recordGradients(sample: GradientSample): void {
    const step = sample.step;
    // Only grid samples reach the rules; the budget's extra ones are for the charts.
    if (onGrid(step, WARMUP.gradients)) {
      pushBounded(this.context.gradients, sample, MONITOR_LIMITS.gradientSamples);
      if (this.context.firstGradients.length < MONITOR_LIMITS.firstGradientSamples) this.context.firstGradients.push(sample);
      if (sample.nonFinite && this.context.firstNonFiniteGradientStep === undefined) this.context.firstNonFiniteGradientStep = step;
    }
    this.point(SERIES.gradientNorm, step, sample.globalNorm);
    if (sample.layers.length <= MONITOR_LIMITS.perLayerSeries) this.layerPoints(step, layerSeriesPoints('gradients', sample.layers));
  }

  /** `feedsRules`: the snapshot it measures against was taken on the sampling grid. */
  recordUpdates(sample: UpdateSample, feedsRules: boolean): void {
    if (feedsRules) pushBounded(this.context.updates, sample, MONITOR_LIMITS.updateSamples);
    this.layerPoints(sample.step, layerSeriesPoints('updates', sample.layers));
  }

  /** `feedsRules`: a grid step or a fixed point of the run (epoch end, first NaN, end of fit), never a budget extra. */
  recordProbe(sample: ProbeSample, feedsRules: boolean): void {
    if (feedsRules) pushBounded(this.context.probes, sample, MONITOR_LIMITS.probeSamples);
    this.layerPoints(sample.step, layerSeriesPoints('probes', sample.layers));
  }

  pushEpoch(record: EpochRecord): void {
    const epochs = this.context.epochs;
    epochs.push(record);
    // Keep the first epoch (plateau/slow rules compare with it) and a bounded recent window.
    if (epochs.length > MONITOR_LIMITS.epochRecords) epochs.splice(1, epochs.length - MONITOR_LIMITS.epochRecords);
  }

  point(name: string, step: number, value: number, epoch = this.epoch): void {
    this.batcher.point(name, step, epoch, value);
  }

  private layerPoints(step: number, points: Array<{ name: string; value: number }>): void {
    for (const { name, value } of points) this.point(name, step, value);
  }

  // ───────────────────────────── rules ─────────────────────────────

  /** `only`: rule families or rule ids to run (all when omitted). */
  runRules(phase: DiagnosisContext['phase'], force: boolean, only?: Parameters<DiagnosisEngine['run']>[1]): void {
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

  findings(): Finding[] {
    return this.engine.findings();
  }

  /** The progress (when due) and the findings changed since the last batch (event-batcher.ts drains them). */
  takeEvents(): KernelEvent[] {
    const runId = this.run.runId;
    const events: KernelEvent[] = [];
    if (this.progress.dirty) {
      this.progress.dirty = false;
      const epochs = this.context.fit?.epochs;
      const lastLoss = this.context.loss.values[this.context.loss.values.length - 1];
      events.push({
        type: 'progress',
        runId,
        epoch: this.epoch,
        step: Math.max(0, this.step - 1),
        ...(epochs !== undefined ? { epochs } : {}),
        ...(this.progress.batch !== undefined && this.inFit ? { batch: this.progress.batch } : {}),
        ...(this.progress.batchesPerEpoch !== undefined && this.inFit ? { batchesPerEpoch: this.progress.batchesPerEpoch } : {}),
        loss: lastLoss !== undefined && Number.isFinite(lastLoss) ? lastLoss : null,
      });
    }
    const changed = this.engine.takeChanged();
    if (changed.length) events.push({ type: 'findings', runId, findings: changed });
    return events;
  }

  // ───────────────────────────── failures ─────────────────────────────

  /** Run monitor work so that a failure never reaches the user's training (reported once). */
  guard(where: string, work: () => void): void {
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
  reportFailure(where: string, error: unknown): void {
    if (this.failures.has(where)) return;
    this.failures.add(where);
    const message = error instanceof Error ? error.message : String(error);
    try {
      this.run.emit({ type: 'log', level: 'warn', message: `Lossbook monitor (${where}) skipped: ${message}` });
    } catch {
      // nothing more to do
    }
  }
}
