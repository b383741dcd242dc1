// What the optimizer's updates say, from the gradients it already received (no extra backward
// pass): gradient norms per layer, and the ratio of each update to its weights (a snapshot of the
// weights before one update, measured after it). Sampled on the grid and within a time budget.
import type * as tfType from '@tensorflow/tfjs';
import type { Disposable } from '../../shared/protocol';
import type { Tf } from '../monitor-api';
import { Budget, gradientList, measureGradients, UpdateTracker, type GradientList } from '../probes';
import type { Readbacks } from '../readback';
import { MONITOR_LIMITS, now, onGrid, WARMUP } from './limits';
import type { RunRecorder } from './recorder';

export class OptimizerWatch implements Disposable {
  // Early steps decide the most (dead units, NaN, a loss stuck from the start), so the first few
  // are always measured; afterwards each measurement keeps to its share of the step time.
  private readonly gradientBudget = new Budget(MONITOR_LIMITS.gradientBudget, 10_000, WARMUP.gradients, 2, MONITOR_LIMITS.samplingAllowanceMs);
  private readonly updateBudget = new Budget(MONITOR_LIMITS.updateBudget, 10_000, WARMUP.updates, 2, MONITOR_LIMITS.samplingAllowanceMs);
  private readonly updates: UpdateTracker;
  /** The update snapshot being held was taken on the sampling grid (its measurement feeds the rules). */
  private snapshotOnGrid = false;

  constructor(
    private readonly tf: Tf,
    private readonly recorder: RunRecorder,
    private readonly reads: Readbacks,
  ) {
    this.updates = new UpdateTracker(tf);
  }

  /** The optimizer received `gradients` for the update of `step`. */
  observe(step: number, gradients: tfType.NamedTensorMap | GradientList): void {
    const gradientsOnGrid = onGrid(step, WARMUP.gradients);
    const snapshotOnGrid = onGrid(step, WARMUP.updates);
    // Budget.due first: it is the one that keeps its own clock.
    const gradientsDue = this.gradientBudget.due(step) || gradientsOnGrid;
    const snapshotDue = !this.updates.holding && (this.updateBudget.due(step) || snapshotOnGrid);
    // Most steps measure nothing: leave before building the gradient list.
    if (!gradientsDue && !this.updates.holding && !snapshotDue) return;
    const list = gradientList(gradients);
    if (!list.length) return;
    if (gradientsDue) this.measureGradients(step, list);
    if (this.updates.holding) this.measureUpdates(step);
    else if (snapshotDue) this.takeSnapshot(list, snapshotOnGrid);
  }

  private measureGradients(step: number, list: GradientList): void {
    const recorder = this.recorder;
    const start = now();
    measureGradients(this.tf, step, list, this.reads, (sample) => recorder.recordGradients(sample), recorder.layerOfVariable);
    const cost = now() - start;
    recorder.cost.gradientMs += cost;
    recorder.cost.gradientSamples++;
    this.gradientBudget.record(step, cost, recorder.stepMsAverage);
  }

  /** The weights moved since the snapshot: the ratio of the update to them. */
  private measureUpdates(step: number): void {
    const recorder = this.recorder;
    const start = now();
    const onGridSnapshot = this.snapshotOnGrid;
    this.updates.measure(step, this.reads, (sample) => recorder.recordUpdates(sample, onGridSnapshot), recorder.layerOfVariable);
    const cost = now() - start;
    recorder.cost.updateMs += cost;
    recorder.cost.updateSamples++;
    this.updateBudget.record(step, cost, recorder.stepMsAverage);
  }

  private takeSnapshot(list: GradientList, onGridSnapshot: boolean): void {
    const start = now();
    const registered = this.tf.engine().registeredVariables;
    const variables = list.map((g) => ({ name: g.name, variable: registered[g.name]! })).filter((v) => v.variable);
    this.updates.take(variables);
    this.snapshotOnGrid = onGridSnapshot;
    this.recorder.cost.updateMs += now() - start;
  }

  /** Drops a snapshot still held (the fit or the run ended). */
  releaseSnapshot(): void {
    this.updates.release();
  }

  dispose(): void {
    this.releaseSnapshot();
  }
}
