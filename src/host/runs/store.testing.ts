// Runs to store in tests and the bench: plausible, deterministic, no kernel needed.
import type { Finding } from '../../shared/protocol';
import type { RunToStore } from '../../shared/runs/model';

export function sampleFinding(id: string, severity: Finding['severity'] = 'warning'): Finding {
  return { id, key: id, family: 'dynamic', severity, title: `${id} title`, evidence: { summary: `${id} evidence`, values: {} }, explanation: 'why', fix: { text: 'fix' }, source: 'test', count: 1 };
}

/** Run `index` of a fake sweep over learning rates: loss decays faster with a larger rate. */
export function sampleRun(index: number, options: { points?: number; overrides?: Partial<RunToStore> } = {}): RunToStore {
  const points = options.points ?? 50;
  const learningRate = [0.001, 0.003, 0.01, 0.03, 0.1][index % 5]!;
  const steps = Array.from({ length: points }, (_, step) => step);
  const loss = steps.map((step) => 2 * Math.exp(-learningRate * 10 * step) + 0.05 * ((index * 7919 + step * 104729) % 13) / 13);
  return {
    id: `run-${index.toString().padStart(6, '0')}`,
    createdAt: 1_700_000_000_000 + index * 60_000,
    notebook: `/work/notebooks/nb-${index % 10}.lossbook`,
    cellId: 'cell-train',
    cellIndex: 1,
    origin: index % 3 === 0 ? 'cli' : 'app',
    parentId: null,
    status: index % 17 === 0 ? 'error' : 'ok',
    durationMs: 1000 + (index % 100) * 10,
    params: { learningRate, optimizer: index % 2 ? 'Adam' : 'SGD', batchSize: 32 * (1 + (index % 4)), epochs: 5, validationSplit: 0.2, lossFunction: 'categoricalCrossentropy', totalParams: 1000 + index },
    series: [
      { name: 'loss', steps, values: loss },
      { name: 'acc', steps, values: loss.map((value) => 1 - value / 2) },
    ],
    verdict: index % 17 === 0 ? { id: 'loss.nan', title: 'Loss became NaN' } : null,
    findingCounts: { error: index % 17 === 0 ? 1 : 0, warning: 0, info: 0 },
    findings: index % 17 === 0 ? [sampleFinding('loss.nan', 'error')] : [],
    source: `const lr = ${learningRate};\nmodel.compile({ optimizer: tf.train.adam(lr), loss: 'categoricalCrossentropy' });\nawait model.fit(xs, ys, { epochs: 5 });\n`,
    sourceHash: `hash-${index % 5}`,
    priorCode: 'const model = tf.sequential();\n',
    priorCodeHash: 'prior',
    config: { versions: { lossbook: '0.1.0', tfjs: '4.22.0' }, fit: { kind: 'fit', epochs: 5, batchSize: 32, shuffle: true, validationSplit: 0.2, hasValidation: true } },
    memory: null,
    ...options.overrides,
  };
}
