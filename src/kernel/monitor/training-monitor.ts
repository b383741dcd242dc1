// The training monitor (design.md "instrument.ts"): what a run does, observed with no change to
// the user's code. training-hooks.ts calls it around every fit/fitDataset and optimizer update;
// it records per-step loss/metrics/timings, gradient norms from the gradients the optimizer already
// received (no extra backward pass), weight update ratios, activation probes on a fixed small batch,
// data checks, and runs the diagnosis engine. Metrics leave as coalesced `metrics` events (~10/s),
// findings as `findings` events updated in place. Everything it allocates it disposes.
//
// The parts, each owning its own state: the recorder (diagnosis context, bounded series, rules),
// the event batcher, fit hooks, custom-loop hooks, the data watch, the activation probe and the
// optimizer watch. They point down to the recorder, never back up to this class.
import type * as tfType from '@tensorflow/tfjs';
import type { Finding } from '../../shared/protocol';
import { allRules, type DiagnosisContext, type Rule } from '../../shared/diagnosis';
import type { FitObservation, RunContext, RunMonitor, RunMonitorFactory, Tf } from '../monitor-api';
import type { GradientList } from '../probes';
import { Readbacks } from '../readback';
import { ActivationProbe } from './activation-probe';
import { CustomLoopHooks } from './custom-loop';
import { DataWatch } from './data-watch';
import { DisposableStore } from '../../shared/lifecycle';
import { EventBatcher } from './event-batcher';
import { FitHooks } from './fit-hooks';
import { OptimizerWatch } from './optimizer-watch';
import { RunRecorder, type MonitorCost } from './recorder';

export class TrainingMonitor implements RunMonitor {
  private readonly recorder: RunRecorder;
  private readonly batcher: EventBatcher;
  private readonly fit: FitHooks;
  private readonly customLoop: CustomLoopHooks;
  private readonly data: DataWatch;
  private readonly optimizer: OptimizerWatch;
  /** What the run holds until it ends: the flush timer, the evaluate wrapper, the update snapshot, the probe batch, the watched datasets. */
  private readonly store = new DisposableStore();
  private finished = false;

  constructor(tf: Tf, run: RunContext, rules: readonly Rule[] = allRules) {
    const batcher: EventBatcher = new EventBatcher(run, () => recorder.takeEvents());
    // recordLoss → probe is a callback: the first non-finite loss is located while the evidence is fresh.
    const recorder: RunRecorder = new RunRecorder(tf, run, rules, batcher, (step) => probe.run(step));
    /** The monitor's readbacks: synchronous, or asynchronous on webgpu (readback.ts). */
    const reads = new Readbacks(tf, (where, error) => recorder.reportFailure(where, error));
    const probe = new ActivationProbe(tf, recorder, reads, run.signal);
    const optimizer = new OptimizerWatch(tf, recorder, reads);
    const data = new DataWatch(tf, run, recorder, reads, batcher, probe);
    this.recorder = recorder;
    this.batcher = this.store.add(batcher);
    this.fit = this.store.add(new FitHooks(tf, run, { recorder, batcher, reads, probe, data, optimizer }));
    this.optimizer = this.store.add(optimizer);
    this.store.add(probe);
    this.data = this.store.add(data);
    this.customLoop = new CustomLoopHooks(tf, recorder, reads, batcher);
  }

  /** The diagnosis context as recorded so far (tests and the benchmark read it). */
  get context(): DiagnosisContext {
    return this.recorder.context;
  }

  /** Measured cost of the monitor's sampled work (for the overhead benchmark). */
  get cost(): MonitorCost {
    return this.recorder.cost;
  }

  beforeFit(observation: FitObservation): tfType.CustomCallbackArgs {
    this.customLoop.completeStep();
    return this.fit.callbacks(observation);
  }

  observeDataset(dataset: unknown): unknown {
    return this.data.observeDataset(dataset);
  }

  onGradients(_optimizer: tfType.Optimizer, gradients: tfType.NamedTensorMap | GradientList): void {
    this.recorder.guard('gradients', () => {
      this.customLoop.beforeUpdate();
      this.optimizer.observe(this.recorder.step, gradients);
    });
  }

  onMinimize(_optimizer: tfType.Optimizer, loss: tfType.Scalar | null): void {
    if (this.recorder.inFit) return; // fit reports its loss per batch through the callbacks
    this.recorder.guard('minimize', () => this.customLoop.onMinimize(loss));
  }

  log(values: Record<string, number>, step?: number): void {
    this.recorder.guard('log', () => this.customLoop.log(values, step));
  }

  findings(): Finding[] {
    return this.recorder.findings();
  }

  finish(status: 'ok' | 'error' | 'interrupted', error?: { name: string; message: string }): void {
    if (this.finished) return;
    this.finished = true;
    this.batcher.close();
    const recorder = this.recorder;
    recorder.guard('finish', () => {
      this.customLoop.finish();
      recorder.context.status = status;
      if (error) recorder.context.error = error;
      recorder.runRules('finish', true);
    });
    this.store.dispose();
    this.batcher.flush(true);
  }

  dispose(): void {
    this.store.dispose();
    this.batcher.discard();
  }
}

export const createRunMonitor: RunMonitorFactory = (tf, context) => new TrainingMonitor(tf, context);
