// model.fit / fitDataset as the monitor sees them: the static and data checks at fit start, then
// tfjs callbacks that record each batch (loss, metrics, step time, memory) and each epoch, probe on
// the sampling grid and at epoch ends, and run the rules. Epochs keep counting across the fits of
// one run (a cell calling fit in a loop).
import type * as tfType from '@tensorflow/tfjs';
import type { EpochRecord } from '../../shared/diagnosis';
import { isClassificationLoss } from '../../shared/diagnosis/stats';
import { outputHead } from '../../shared/diagnosis/model-shape';
import type { Disposable } from '../../shared/protocol';
import { isValidationName, SERIES } from '../../shared/series';
import type { FitObservation, RunContext, Tf } from '../monitor-api';
import type { Readbacks } from '../readback';
import { findBindings } from '../fix-binding';
import type { ActivationProbe } from './activation-probe';
import type { HostCache } from './data-stats';
import type { DataWatch } from './data-watch';
import type { EventBatcher } from './event-batcher';
import { MONITOR_LIMITS, now, pushBounded } from './limits';
import { summarizeFit, summarizeModel } from './model-summary';
import type { OptimizerWatch } from './optimizer-watch';
import type { RunRecorder } from './recorder';
import { runConfigArtifact } from './run-config';
import { RUN_CONFIG_ARTIFACT } from '../../shared/runs/capture';

/** Models trained by an earlier fit in this kernel: their kernels are no longer at init scale. */
const trainedModels = new WeakSet<object>();

/** The parts of the monitor a fit drives. */
export interface FitParts {
  recorder: RunRecorder;
  batcher: EventBatcher;
  reads: Readbacks;
  probe: ActivationProbe;
  data: DataWatch;
  optimizer: OptimizerWatch;
}

export class FitHooks implements Disposable {
  /** Epochs completed by earlier fits of this run (a cell calling fit in a loop keeps counting). */
  private epochOffset = 0;
  private epochsThisFit = 0;
  private batchStart = 0;
  private lastBatchEnd: number | undefined;
  private epochStart = 0;
  private evaluateMsAtBatchStart = 0;
  private restoreEvaluate: (() => void) | undefined;

  constructor(
    private readonly tf: Tf,
    private readonly run: RunContext,
    private readonly parts: FitParts,
  ) {}

  /** Before fit starts: static + data checks; returns the callbacks to add to the fit. */
  callbacks(observation: FitObservation): tfType.CustomCallbackArgs {
    const { recorder, reads } = this.parts;
    recorder.inFit = true;
    recorder.model = observation.model;
    const start = now();
    recorder.guard('fit-start', () => this.startFit(observation));
    recorder.cost.fitStartMs += now() - start;
    return {
      onEpochBegin: async (epoch) => recorder.guard('epoch-begin', () => this.onEpochBegin(epoch)),
      onBatchBegin: async () => recorder.guard('batch-begin', () => this.onBatchBegin()),
      // Values read back asynchronously (webgpu: readback.ts) are in before the rules look.
      onBatchEnd: async (batch, logs) => {
        if (reads.pending) await reads.settle();
        recorder.guard('batch-end', () => this.onBatchEnd(batch, logs ?? {}));
      },
      onEpochEnd: async (epoch, logs) => {
        if (reads.pending) await reads.settle();
        recorder.guard('epoch-end', () => this.onEpochEnd(epoch, logs ?? {}));
      },
      onTrainEnd: async () => {
        if (reads.pending) await reads.settle();
        recorder.guard('train-end', () => this.endFit());
        if (reads.pending) await reads.settle();
      },
    };
  }

  dispose(): void {
    this.restoreEvaluate?.();
  }

  private startFit(observation: FitObservation): void {
    const { recorder, reads, data, probe, batcher } = this.parts;
    const context = recorder.context;
    const model = observation.model;
    const previouslyTrained = trainedModels.has(model);
    trainedModels.add(model);
    // On webgpu the kernels' scales land after this fit-start pass: the rule that reads them looks again then.
    const summary = summarizeModel(this.tf, model, previouslyTrained, reads, () => recorder.runRules('fit-start', true, ['model.bad-init']));
    const fit = summarizeFit(observation);
    context.model = summary;
    context.fit = fit;
    recorder.guard('fix-bindings', () => (context.bindings = findBindings(observation, this.run.code)));
    context.phase = 'fit-start';
    recorder.layerOfVariable = new Map(model.layers.flatMap((layer) => layer.trainableWeights.map((w) => [w.name, layer.name] as [string, string])));
    const head = outputHead(summary);
    const classification = summary.losses.some(isClassificationLoss) || head.activation === 'softmax' || head.activation === 'sigmoid';
    // One host copy of x/y serves every check of this fit start, then is dropped (wasm slices read whole tensors anyway).
    const cache: HostCache = new Map();
    data.start(observation, classification, cache);
    if (fit.samples && fit.batchSize) recorder.progress.batchesPerEpoch = Math.ceil(fit.samples / fit.batchSize);
    recorder.guard('probe-setup', () => probe.setupFromFit(observation, cache));
    cache.clear();
    this.wrapEvaluate(model);
    this.epochStart = now();
    recorder.runRules('fit-start', true);
    // The run store records how the fit was configured (issue 20, run-config.ts).
    recorder.guard('run-config', () => this.run.emit({ type: 'artifact', runId: this.run.runId, kind: RUN_CONFIG_ARTIFACT, data: runConfigArtifact(summary, fit, observation, context.data) }));
    batcher.flush(true);
    context.phase = 'step';
  }

  /** Evaluation inside training (a user's callback, a validation pass) is counted, not taken as step time. */
  private wrapEvaluate(model: tfType.LayersModel): void {
    this.restoreEvaluate?.();
    const target = model as unknown as Record<'evaluate' | 'predict', (...args: unknown[]) => unknown>;
    const ownEvaluate = Object.prototype.hasOwnProperty.call(target, 'evaluate');
    const ownPredict = Object.prototype.hasOwnProperty.call(target, 'predict');
    const evaluate = target.evaluate;
    const predict = target.predict;
    const timing = this.parts.recorder.context.timing;
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
    this.parts.recorder.epoch = this.epochOffset + epoch;
    this.epochsThisFit = epoch + 1;
    this.epochStart = now();
  }

  private onBatchBegin(): void {
    const recorder = this.parts.recorder;
    const start = now();
    recorder.markStepStart();
    if (this.lastBatchEnd !== undefined) pushBounded(recorder.context.timing.betweenBatchMs, start - this.lastBatchEnd, MONITOR_LIMITS.timingSamples);
    this.batchStart = start;
    this.evaluateMsAtBatchStart = recorder.context.timing.evaluateMs;
  }

  private onBatchEnd(batch: number, logs: tfType.Logs): void {
    const { recorder, probe, batcher } = this.parts;
    const end = now();
    // The kernel runs the user's callbacks before ours: evaluation they do per batch is not step time.
    const stepMs = Math.max(0, end - this.batchStart - (recorder.context.timing.evaluateMs - this.evaluateMsAtBatchStart));
    const step = recorder.step;
    recorder.recordStepTiming(stepMs);
    for (const [name, value] of Object.entries(logs)) {
      if (name === 'batch' || name === 'size' || typeof value !== 'number') continue;
      if (name === SERIES.loss) recorder.recordLoss(step, value);
      else recorder.recordMetric(name, step, value);
    }
    recorder.point(SERIES.batchMs, step, stepMs);
    recorder.recordLearningRate(step);
    recorder.recordMemory(step);
    probe.maybeRun(step);
    recorder.step++;
    recorder.context.step = step;
    recorder.context.epoch = recorder.epoch;
    recorder.progress.dirty = true;
    recorder.progress.batch = batch;
    recorder.runRules('step', false);
    this.lastBatchEnd = now();
    batcher.maybeFlush();
  }

  private onEpochEnd(epoch: number, logs: tfType.Logs): void {
    const { recorder, probe, batcher, data } = this.parts;
    data.closeSamples();
    const ms = now() - this.epochStart;
    const step = Math.max(0, recorder.step - 1);
    const record: EpochRecord = { epoch: this.epochOffset + epoch, step, logs: {}, ms };
    for (const [name, value] of Object.entries(logs)) if (typeof value === 'number') record.logs[name] = value;
    recorder.pushEpoch(record);
    for (const [name, value] of Object.entries(record.logs)) if (isValidationName(name)) recorder.point(name, step, value, record.epoch);
    recorder.point(SERIES.epochMs, step, ms, record.epoch);
    if (recorder.lastLearningRate !== undefined) recorder.point(SERIES.learningRate, step, recorder.lastLearningRate, record.epoch);
    // Short runs may end between sampled probes: look again at epoch ends (a fixed point of the run).
    if (step - probe.lastRuleStep >= 8) probe.run(step);
    recorder.runRules('epoch', true);
    batcher.flush(true);
  }

  private endFit(): void {
    const { recorder, probe, batcher, data, optimizer } = this.parts;
    data.endFit();
    this.epochOffset += this.epochsThisFit;
    this.epochsThisFit = 0;
    const last = Math.max(0, recorder.step - 1);
    if (last > probe.lastRuleStep) probe.run(last);
    recorder.inFit = false;
    this.restoreEvaluate?.();
    optimizer.releaseSnapshot();
    recorder.runRules('epoch', true);
    probe.release();
    this.lastBatchEnd = undefined;
    batcher.flush(true);
  }
}
