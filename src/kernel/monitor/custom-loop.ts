// Training written by hand: each optimizer update of a custom loop is one step (minimize reports
// its loss right after), and `lossbook.log({ loss })` from a loop with no optimizer hook reports
// one too. Custom loops have no epochs: every few steps form a pseudo-epoch for the trend rules.
import type * as tfType from '@tensorflow/tfjs';
import { SERIES } from '../../shared/series';
import type { Tf } from '../monitor-api';
import type { Readbacks } from '../readback';
import type { EventBatcher } from './event-batcher';
import { MONITOR_LIMITS, now } from './limits';
import type { RunRecorder } from './recorder';

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

export class CustomLoopHooks {
  /** An optimizer update was seen and its step is not complete yet (minimize may still report the loss). */
  private pending = false;
  private lastStepEnd: number | undefined;
  /** Losses of the pseudo-epoch being filled. */
  private window: number[] = [];
  /** The step of `lossbook.log` calls outside fit that give none. */
  private logStep = 0;

  constructor(
    private readonly tf: Tf,
    private readonly recorder: RunRecorder,
    private readonly reads: Readbacks,
    private readonly batcher: EventBatcher,
  ) {}

  /** The optimizer is about to apply gradients: outside fit, that begins a custom-loop step. */
  beforeUpdate(): void {
    if (this.recorder.inFit) return;
    // A custom loop: each optimizer update is one step (minimize reports its loss right after).
    if (this.pending) this.completeStep();
    this.pending = true;
    this.recorder.context.fit ??= { kind: 'custom', shuffle: true, hasValidation: false };
  }

  onMinimize(loss: tfType.Scalar | null): void {
    if (!loss || loss.isDisposed) return this.completeStep();
    if (this.reads.synchronous) return this.completeStep(loss.dataSync()[0]);
    // webgpu: the step completes now and its loss is recorded when the read lands (a clone: the loss is the user's).
    const step = this.recorder.step;
    this.completeStep();
    this.reads.read('minimize', [this.tf.clone(loss)], ([values]) => {
      const value = values![0]!;
      this.recorder.recordLoss(step, value);
      this.addToWindow(step, value);
    });
  }

  /** Ends the step an update began (if any), with its loss when known. */
  completeStep(loss?: number): void {
    if (!this.pending && loss === undefined) return;
    const recorder = this.recorder;
    this.pending = false;
    const step = recorder.step;
    const end = now();
    if (this.lastStepEnd !== undefined) recorder.recordStepTiming(end - this.lastStepEnd);
    this.lastStepEnd = end;
    recorder.markStepStart();
    if (loss !== undefined) {
      recorder.recordLoss(step, loss);
      this.addToWindow(step, loss);
    }
    recorder.recordLearningRate(step);
    recorder.recordMemory(step);
    recorder.step++;
    recorder.context.step = step;
    recorder.progress.dirty = true;
    recorder.runRules('step', false);
    this.batcher.maybeFlush();
  }

  /** lossbook.log({...}) from a cell. */
  log(values: Record<string, number>, step?: number): void {
    const recorder = this.recorder;
    const at = step ?? (recorder.inFit ? recorder.step : this.logStep++);
    for (const [name, value] of Object.entries(values)) {
      if (typeof value !== 'number') continue;
      if (name === SERIES.loss && !recorder.inFit && !this.pending) {
        // A hand-written loop reporting its loss: diagnose it like a training loss.
        recorder.context.fit ??= { kind: 'custom', shuffle: true, hasValidation: false };
        recorder.recordLoss(at, value);
        this.addToWindow(at, value);
        recorder.context.step = at;
        recorder.runRules('step', false);
      } else recorder.recordMetric(name, at, value);
    }
    this.batcher.maybeFlush();
  }

  /** The run ends: the pending step completes, and a pseudo-epoch at least half full counts. */
  finish(): void {
    this.completeStep();
    if (this.window.length >= MONITOR_LIMITS.customEpochSteps / 2) {
      const finite = this.window.filter(Number.isFinite);
      if (finite.length) this.recorder.pushEpoch({ epoch: this.recorder.context.epochs.length, step: this.recorder.step, logs: { loss: mean(finite) } });
    }
  }

  private addToWindow(step: number, loss: number): void {
    this.window.push(loss);
    if (this.window.length < MONITOR_LIMITS.customEpochSteps) return;
    const finite = this.window.filter(Number.isFinite);
    this.window = [];
    this.recorder.pushEpoch({ epoch: this.recorder.context.epochs.length, step, logs: { loss: finite.length ? mean(finite) : Number.NaN } });
    // Pseudo-epochs of a custom loop come every few steps: rule passes stay throttled.
    this.recorder.runRules('epoch', false);
  }
}
