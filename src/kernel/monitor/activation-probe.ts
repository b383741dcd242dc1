// Activation probes (catalog act.*): the model run forward on a fixed small batch of the training
// inputs, on the sampling grid and at fixed points of the run (epoch ends, the first NaN, the end
// of a fit). The probe batch is the monitor's own tensor, disposed with the fit.
import type * as tfType from '@tensorflow/tfjs';
import type { Disposable } from '../../shared/protocol';
import type { FitObservation, Tf } from '../monitor-api';
import { Budget, planProbe, runProbe, type ProbePlan } from '../probes';
import type { Readbacks } from '../readback';
import type { DatasetSample } from '../dataset-sample';
import { firstRows, type HostCache } from './data-stats';
import { MONITOR_LIMITS, now, onGrid, WARMUP } from './limits';
import type { RunRecorder } from './recorder';

export class ActivationProbe implements Disposable {
  private plan: ProbePlan | undefined;
  private input: tfType.Tensor | undefined;
  /** Last step a probe fed the rules (grid or a fixed point: epoch end, first NaN, end of fit). */
  lastRuleStep = -Infinity;
  private readonly budget = new Budget(MONITOR_LIMITS.probeBudget, 10_000, WARMUP.probes, 2, MONITOR_LIMITS.samplingAllowanceMs);

  constructor(
    private readonly tf: Tf,
    private readonly recorder: RunRecorder,
    private readonly reads: Readbacks,
    private readonly signal: AbortSignal,
  ) {}

  get ready(): boolean {
    return this.input !== undefined;
  }

  /** fit: the first rows of x. */
  setupFromFit(observation: FitObservation, cache: HostCache): void {
    this.release();
    const x = observation.x;
    if (!x || Array.isArray(x) || typeof (x as tfType.Tensor).slice !== 'function') return;
    const tensor = x as tfType.Tensor;
    if (observation.model.inputs.length !== 1 || tensor.isDisposed) return;
    const plan = planProbe(observation.model);
    if (!plan) return;
    const rows = Math.min(MONITOR_LIMITS.probeRows, tensor.shape[0] ?? 0);
    if (rows < 1) return;
    this.plan = plan;
    this.input = firstRows(this.tf, tensor, rows, cache);
  }

  /** fitDataset: the first rows of the batches the dataset view sampled. */
  setupFromDataset(model: tfType.LayersModel, sample: DatasetSample): void {
    if (this.input || model.inputs.length !== 1) return;
    const plan = planProbe(model);
    const input = plan ? sample.firstRows(MONITOR_LIMITS.probeRows) : undefined;
    if (plan && input) {
      this.plan = plan;
      this.input = input;
    }
  }

  /** After a training step: probe on the grid, or when the time budget allows (charts only). */
  maybeRun(step: number): void {
    if (!this.input || !this.plan || this.signal.aborted) return;
    const onGridStep = onGrid(step, WARMUP.probes);
    if (this.budget.due(step) || onGridStep) this.run(step, onGridStep);
  }

  /** `feedsRules`: a grid step or a fixed point of the run (epoch end, first NaN, end of fit), never a budget extra. */
  run(step: number, feedsRules = true): void {
    const model = this.recorder.model;
    if (!this.input || !this.plan || !model) return;
    const plan = this.plan;
    const input = this.input;
    const recorder = this.recorder;
    recorder.guard('probe', () => {
      const start = now();
      if (feedsRules) this.lastRuleStep = step;
      runProbe(this.tf, model, plan, input, step, this.reads, (sample) => recorder.recordProbe(sample, feedsRules));
      const cost = now() - start;
      recorder.cost.probeMs += cost;
      recorder.cost.probeSamples++;
      this.budget.record(step, cost, recorder.stepMsAverage);
    });
  }

  /** Disposes the probe batch (the fit ended); a later fit sets up its own. */
  release(): void {
    this.input?.dispose();
    this.input = undefined;
    this.plan = undefined;
  }

  dispose(): void {
    this.release();
  }
}
