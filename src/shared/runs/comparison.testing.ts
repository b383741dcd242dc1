// Two recorded runs and their comparison, for the tests of saved comparisons (shared code may not
// import the run store's own helpers in src/host): run A with learning rate 0.1, B with 0.001.
import type { Finding } from '../protocol';
import { compareRuns } from './compare';
import type { ComparisonSource } from './comparison-snapshot';
import type { RunDetail, StoredSeries } from './model';

export function testFinding(id: string, severity: Finding['severity'] = 'warning', text = `${id} title`): Finding {
  return { id, key: id, family: 'dynamic', severity, title: text, evidence: { summary: `${id} evidence`, values: { step: 3 } }, explanation: `why ${id}`, fix: { text: `fix ${id}`, code: 'tf.train.adam(1e-3)' }, source: 'test', count: 1 };
}

function run(number: number, learningRate: number, overrides: Partial<RunDetail>): RunDetail {
  return {
    id: `run-${number}`,
    number,
    createdAt: 1_700_000_000_000 + number * 60_000,
    notebook: '/work/lr.lossbook',
    cellId: 'cell-train',
    cellIndex: 1,
    origin: 'app',
    parentId: null,
    status: 'ok',
    durationMs: 1200,
    params: { learningRate, optimizer: 'Adam', batchSize: 32 },
    metrics: {},
    verdict: null,
    findingCounts: { error: 0, warning: 0, info: 0 },
    tags: [],
    note: '',
    source: `const lr = ${learningRate};\nawait model.fit(xs, ys, { epochs: 5 });`,
    sourceHash: `source-${learningRate}`,
    priorCode: 'const model = tf.sequential();',
    priorCodeHash: 'prior',
    config: { versions: { lossbook: '0.1.0', tfjs: '4.22.0' } },
    memory: null,
    findings: [],
    ...overrides,
  };
}

/** A loss, val_loss, acc and the monitor's lr and a per-layer series, `points` long. */
export function testSeries(runId: string, points: number, rate: number): StoredSeries[] {
  const steps = Array.from({ length: points }, (_, step) => step);
  const loss = steps.map((step) => 2 * Math.exp(-rate * step) + 0.01 * Math.sin(step));
  return [
    { runId, name: 'loss', steps, values: loss },
    { runId, name: 'val_loss', steps: steps.filter((step) => step % 10 === 9), values: loss.filter((_, step) => step % 10 === 9).map((value) => value * 1.1) },
    { runId, name: 'acc', steps, values: loss.map((value) => 1 - value / 2) },
    { runId, name: 'lr', steps, values: steps.map(() => rate) },
    { runId, name: 'grad_norm/dense_1', steps, values: loss.map((value) => value * 3) },
  ];
}

/** Run #12 (lr 0.1, a finding that goes) against run #13 (lr 0.001, one that appears). */
export function testComparisonSource(options: { points?: number; a?: Partial<RunDetail>; b?: Partial<RunDetail> } = {}): ComparisonSource {
  const points = options.points ?? 60;
  const a = run(12, 0.1, { findings: [testFinding('opt.lr-out-of-range'), testFinding('loss.plateau', 'info')], verdict: { id: 'opt.lr-out-of-range', title: 'Learning rate out of range' }, ...options.a });
  const b = run(13, 0.001, { findings: [testFinding('loss.plateau', 'info'), testFinding('grad.vanishing')], ...options.b });
  const seriesA = testSeries(a.id, points, 0.05);
  const seriesB = testSeries(b.id, points, 0.01);
  return { comparison: compareRuns(a, b, seriesA, seriesB), a, b, seriesA, seriesB };
}
