// Which trial runs next and which trial stops early. Pure and serializable, so a sweep can be
// resumed from its saved state and replayed in tests. Strategies: random (seed 001: "random
// rather than grid"), grid, and halving (successive halving in its asynchronous form, ASHA:
// a trial reaching rung r·ηᵏ continues only if it is in the top 1/η of trials seen at that rung).
// Random and grid use the median stopping rule unless pruning is turned off.
import { z } from 'zod';
import { createRandom, gridParams, sampleParams, validateSpace, type Params, type SearchSpace } from './space';

export const SweepStrategySchema = z.enum(['random', 'grid', 'halving']);
export type SweepStrategy = z.infer<typeof SweepStrategySchema>;

export interface SweepSettings {
  space: SearchSpace;
  trials: number;
  strategy: SweepStrategy;
  metric: string;
  goal: 'min' | 'max';
  seed: number;
  /** Grid points per numeric axis (grid strategy). */
  gridPoints: number;
  /** Successive halving: first rung (epochs) and reduction factor η. */
  minEpochs: number;
  eta: number;
  /** Median stopping: epochs before a trial can be stopped, and completed trials needed to compare. */
  warmupEpochs: number;
  minTrialsForMedian: number;
  prune: boolean;
}

export interface TrialFindingSummary {
  id: string;
  severity: 'error' | 'warning' | 'info';
}

export interface TrialRecord {
  id: number;
  params: Params;
  status: 'running' | 'completed' | 'pruned' | 'failed';
  /** Metrics reported per epoch, in order. */
  history: Array<{ epoch: number; metrics: Record<string, number> }>;
  /** Best value of the sweep's metric so far (by goal). */
  best?: number;
  final?: number;
  prunedAt?: number;
  reason?: string;
  findings: TrialFindingSummary[];
  durationMs?: number;
  /** Where the trial ran: 'kernel' (in the notebook's kernel), 'process:<pid>', 'ray:<node>'. */
  where?: string;
  /** The process id or Ray task id of its last attempt (trials run out of the kernel only). */
  task?: string;
  /** Attempts made (a trial whose worker was lost is run once more); absent means one. */
  attempts?: number;
}

export interface SweepState {
  settings: SweepSettings;
  trials: TrialRecord[];
  /** How many parameter draws were consumed (random), so a resume continues the same sequence. */
  draws: number;
}

export class SweepSettingsError extends Error {
  override name = 'SweepSettingsError';
}

export function normalizeSettings(options: Partial<SweepSettings> & { space: unknown }): SweepSettings {
  const strategy = SweepStrategySchema.safeParse(options.strategy ?? 'random');
  if (!strategy.success) throw new SweepSettingsError(`Unknown sweep strategy "${String(options.strategy)}": use 'random', 'grid' or 'halving'.`);
  const trials = options.trials ?? 20;
  if (!Number.isInteger(trials) || trials < 1 || trials > 10_000) throw new SweepSettingsError(`trials must be a whole number from 1 to 10000 (got ${trials}).`);
  if (options.goal && options.goal !== 'min' && options.goal !== 'max') throw new SweepSettingsError(`goal must be 'min' or 'max' (got ${String(options.goal)}).`);
  const eta = options.eta ?? 3;
  if (!(eta >= 2)) throw new SweepSettingsError(`eta (the halving factor) must be at least 2 (got ${eta}).`);
  return {
    space: validateSpace(options.space),
    trials,
    strategy: strategy.data,
    metric: options.metric ?? 'val_loss',
    goal: options.goal ?? (options.metric && /acc|auc|precision|recall|f1/i.test(options.metric) ? 'max' : 'min'),
    seed: options.seed ?? 1,
    gridPoints: options.gridPoints ?? 3,
    minEpochs: options.minEpochs ?? 1,
    eta,
    warmupEpochs: options.warmupEpochs ?? 1,
    minTrialsForMedian: options.minTrialsForMedian ?? 3,
    prune: options.prune ?? true,
  };
}

export class SweepScheduler {
  private readonly grid: Params[] | undefined;
  private readonly random: () => number;
  /** Parameters of trials that were running when a resumed sweep stopped: they run again first. */
  private readonly retry: Params[];
  readonly state: SweepState;

  constructor(settings: SweepSettings, resume?: SweepState) {
    this.state = resume ? structuredClone(resume) : { settings, trials: [], draws: 0 };
    // A resumed trial that was running when the sweep stopped is run again from the start.
    this.retry = this.state.trials.filter((t) => t.status === 'running').map((t) => t.params);
    this.state.trials = this.state.trials.filter((t) => t.status !== 'running');
    this.state.settings = { ...settings, seed: this.state.settings.seed };
    this.random = createRandom(this.state.settings.seed);
    for (let i = 0; i < this.state.draws; i++) sampleParams(settings.space, this.random);
    this.grid = settings.strategy === 'grid' ? gridParams(settings.space, settings.gridPoints) : undefined;
  }

  get settings(): SweepSettings {
    return this.state.settings;
  }

  /** Lower is better, whatever the goal. */
  score(value: number): number {
    return this.settings.goal === 'min' ? value : -value;
  }

  /** Trials started so far: finished ones and, when trials run in parallel, the running ones. */
  private startedCount(): number {
    return this.state.trials.length;
  }

  nextTrial(): TrialRecord | undefined {
    const limit = this.grid ? Math.min(this.settings.trials, this.grid.length) : this.settings.trials;
    if (this.startedCount() >= limit) return undefined;
    let params: Params;
    const retried = this.retry.shift();
    if (retried) params = retried;
    else if (this.grid) {
      const used = new Set(this.state.trials.map((t) => JSON.stringify(t.params)));
      const next = this.grid.find((p) => !used.has(JSON.stringify(p)));
      if (!next) return undefined;
      params = next;
    } else {
      params = sampleParams(this.settings.space, this.random);
      this.state.draws += 1;
    }
    const trial: TrialRecord = { id: this.state.trials.reduce((m, t) => Math.max(m, t.id), -1) + 1, params, status: 'running', history: [], findings: [] };
    this.state.trials.push(trial);
    return trial;
  }

  /**
   * A trial that runs again from the start (its worker was lost): what it reported is dropped,
   * so the pruning rules and the charts see only the attempt that runs now.
   */
  restart(trialId: number, reason: string): TrialRecord {
    const trial = this.trial(trialId);
    trial.history = [];
    delete trial.best;
    delete trial.prunedAt;
    trial.reason = reason;
    trial.status = 'running';
    trial.attempts = (trial.attempts ?? 1) + 1;
    return trial;
  }

  /** A trial with given parameters (a trial process runs the one trial its sweep assigned it). */
  assign(trialId: number, params: Params): TrialRecord {
    const trial: TrialRecord = { id: trialId, params, status: 'running', history: [], findings: [] };
    this.state.trials.push(trial);
    return trial;
  }

  private trial(id: number): TrialRecord {
    const trial = this.state.trials.find((t) => t.id === id);
    if (!trial) throw new SweepSettingsError(`No trial ${id} in this sweep.`);
    return trial;
  }

  /** Metric value of a trial at an epoch (the last report at or before it). */
  private valueAt(trial: TrialRecord, epoch: number): number | undefined {
    let value: number | undefined;
    for (const entry of trial.history) if (entry.epoch <= epoch && entry.metrics[this.settings.metric] !== undefined) value = entry.metrics[this.settings.metric];
    return value;
  }

  /** Record an epoch's metrics; answers whether the trial should stop now, and why. */
  report(trialId: number, epoch: number, metrics: Record<string, number>): { prune: boolean; reason?: string } {
    const trial = this.trial(trialId);
    trial.history.push({ epoch, metrics: { ...metrics } });
    const value = metrics[this.settings.metric];
    if (value === undefined) return { prune: false };
    if (!Number.isFinite(value)) return this.pruneDecision(trial, epoch, `${this.settings.metric} is ${value} at epoch ${epoch}: the trial diverged`);
    if (trial.best === undefined || this.score(value) < this.score(trial.best)) trial.best = value;
    if (!this.settings.prune) return { prune: false };
    const others = this.state.trials.filter((t) => t.id !== trial.id);
    if (this.settings.strategy === 'halving') {
      const { minEpochs, eta } = this.settings;
      const rung = Math.round(Math.log(epoch / minEpochs) / Math.log(eta));
      if (epoch >= minEpochs && Math.abs(minEpochs * eta ** rung - epoch) < 1e-9) {
        // Peers are the trials that got as far as this rung; their value is the one they had there.
        const atRung = others
          .filter((t) => t.history.some((h) => h.epoch >= epoch))
          .map((t) => this.valueAt(t, epoch))
          .filter((v): v is number => v !== undefined && Number.isFinite(v));
        if (atRung.length >= eta - 1) {
          const all = [...atRung, value].map((v) => this.score(v)).sort((a, b) => a - b);
          const keep = Math.max(1, Math.floor(all.length / eta));
          if (this.score(value) > all[keep - 1]!) return this.pruneDecision(trial, epoch, `not in the top 1/${eta} at rung epoch ${epoch} (${this.settings.metric} ${fmt(value)}, cut at ${fmt(this.unscore(all[keep - 1]!))})`);
        }
      }
    } else if (epoch >= this.settings.warmupEpochs) {
      const peers = others.filter((t) => t.status === 'completed' || t.status === 'pruned').map((t) => this.valueAt(t, epoch)).filter((v): v is number => v !== undefined && Number.isFinite(v));
      if (peers.length >= this.settings.minTrialsForMedian) {
        const median = medianOf(peers.map((v) => this.score(v)));
        if (this.score(trial.best) > median) return this.pruneDecision(trial, epoch, `best ${this.settings.metric} ${fmt(trial.best)} is worse than the median ${fmt(this.unscore(median))} of earlier trials at epoch ${epoch}`);
      }
    }
    return { prune: false };
  }

  private unscore(score: number): number {
    return this.settings.goal === 'min' ? score : -score;
  }

  private pruneDecision(trial: TrialRecord, epoch: number, reason: string): { prune: boolean; reason: string } {
    trial.prunedAt = epoch;
    trial.reason = reason;
    return { prune: true, reason };
  }

  complete(trialId: number, outcome: { status: 'completed' | 'pruned' | 'failed'; error?: string; findings?: TrialFindingSummary[]; durationMs?: number }): TrialRecord {
    const trial = this.trial(trialId);
    trial.status = outcome.status;
    if (outcome.error) trial.reason = outcome.error;
    trial.findings = outcome.findings ?? [];
    trial.durationMs = outcome.durationMs;
    const last = [...trial.history].reverse().find((h) => h.metrics[this.settings.metric] !== undefined);
    trial.final = last?.metrics[this.settings.metric];
    return trial;
  }

  /** Completed and pruned trials ranked by their best metric (failed and diverged ones last). */
  ranked(): TrialRecord[] {
    const key = (t: TrialRecord) => (t.best !== undefined && Number.isFinite(t.best) ? this.score(t.best) : Number.POSITIVE_INFINITY);
    return this.state.trials.filter((t) => t.status !== 'running').sort((a, b) => key(a) - key(b) || a.id - b.id);
  }
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function fmt(value: number | undefined): string {
  if (value === undefined) return '—';
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e4 ? value.toFixed(4) : value.toExponential(2);
}
