// A real sweep for tests of the sweep views (view model, report, --json): SweepScheduler drives
// a synthetic objective, and the run receives one artifact per finished trial, as the kernel
// publishes them (src/kernel/sweep.ts). High learning rates diverge (val_loss NaN) and carry a
// loss.nan finding, so the summary has a common finding tied to lr.
import { createRunRecord } from '../notebook/run-reducer';
import type { RunRecord } from '../notebook/model';
import { SweepScheduler, normalizeSettings, type SweepSettings } from './scheduler';
import { choice, logUniform } from './space';
import { summarizeSweep } from './summary';

export const DIVERGING_LR = 0.2;

/** val_loss after `epoch` epochs: best near lr = 3e-3, small l2; decays with epochs. */
export function syntheticValLoss(params: Record<string, unknown>, epoch: number): number {
  const lr = params.lr as number;
  const l2 = params.l2 as number;
  if (lr > DIVERGING_LR) return Number.NaN;
  return 0.05 + 0.2 * Math.abs(Math.log10(lr) + 2.5) + 5 * l2 + 0.5 / (epoch + 1);
}

export interface SweepFixture {
  run: RunRecord;
  scheduler: SweepScheduler;
  settings: SweepSettings;
  name: string;
}

export function runSyntheticSweep(options: { trials?: number; seed?: number; epochs?: number; name?: string; json?: boolean } = {}): SweepFixture {
  const epochs = options.epochs ?? 5;
  const name = options.name ?? 'sweep-test';
  const settings = normalizeSettings({
    space: { lr: logUniform(1e-4, 1), l2: logUniform(1e-6, 1e-2), batchSize: choice([16, 32, 64]) },
    trials: options.trials ?? 16,
    seed: options.seed ?? 4,
    metric: 'val_loss',
  });
  const scheduler = new SweepScheduler(settings);
  const run = createRunRecord('run-1', 'cell-1', 1, 0);
  // A saved .lossbook (and a JSON IPC hop) stores NaN as null: the views must read both.
  const copy = <T>(value: T): T => (options.json === false ? structuredClone(value) : (JSON.parse(JSON.stringify(value)) as T));
  for (let trial = scheduler.nextTrial(); trial; trial = scheduler.nextTrial()) {
    let status: 'completed' | 'pruned' = 'completed';
    let diverged = false;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const valLoss = syntheticValLoss(trial.params, epoch);
      diverged ||= !Number.isFinite(valLoss);
      const decision = scheduler.report(trial.id, epoch, { loss: Number.isFinite(valLoss) ? valLoss * 0.9 : valLoss, val_loss: valLoss });
      if (decision.prune) {
        status = 'pruned';
        break;
      }
    }
    scheduler.complete(trial.id, { status, durationMs: 100 + trial.id * 7, findings: diverged ? [{ id: 'loss.nan', severity: 'error' }] : [] });
    run.artifacts.push({ kind: 'sweep', data: copy({ name, state: scheduler.state, summary: summarizeSweep(scheduler.state, scheduler.ranked()) }) });
  }
  run.status = 'ok';
  return { run, scheduler, settings, name };
}
