import { describe, expect, it } from 'vitest';
import type { Finding } from '../protocol';
import { compareRuns, flattenConfig } from './compare';
import { filterRuns, parseRunFilter, RunFilterError } from './filter';
import { diffLines, formatDiff } from './line-diff';
import type { RunDetail, RunEntry } from './model';

function entry(number: number, params: RunEntry['params'], extra: Partial<RunEntry> = {}): RunEntry {
  return { id: `run-${number}`, number, createdAt: number, notebook: `/nb/${number % 2 ? 'mnist' : 'cifar'}.lossbook`, cellId: 'c', cellIndex: 0, origin: 'cli', parentId: null, status: 'ok', durationMs: 10, params, metrics: { loss: { last: number / 10, min: 0, max: 1, count: 5 } }, verdict: null, findingCounts: { error: 0, warning: 0, info: 0 }, tags: [], note: '', ...extra };
}

const finding = (id: string): Finding => ({ id, key: id, family: 'dynamic', severity: 'warning', title: id, evidence: { summary: `${id} evidence`, values: {} }, explanation: '', fix: { text: '' }, source: '', count: 1 });

describe('runs filter', () => {
  const runs = [entry(1, { learningRate: 0.1, optimizer: 'Adam' }, { tags: ['baseline'] }), entry(2, { learningRate: 0.001, optimizer: 'SGD' }, { status: 'error', note: 'lr too low' }), entry(3, { learningRate: 0.01, optimizer: 'adam' })];
  const ids = (text: string) => filterRuns(runs, text).map((run) => run.number);

  it('compares params, columns, tags and final metrics; terms are ANDed', () => {
    expect(ids('learningRate>0.005')).toEqual([1, 3]);
    expect(ids('optimizer=adam')).toEqual([1, 3]);
    expect(ids('learningRate>0.005, optimizer=Adam loss<0.2')).toEqual([1]);
    expect(ids('status!=ok')).toEqual([2]);
    expect(ids('tag=baseline')).toEqual([1]);
    expect(ids('tag!=baseline')).toEqual([2, 3]);
    expect(ids('notebook~mnist')).toEqual([1, 3]);
    expect(ids('note~"too low"')).toEqual([2]);
    expect(ids('momentum>0')).toEqual([]);
    expect(ids('sgd')).toEqual([2]);
    expect(ids('')).toEqual([1, 2, 3]);
  });

  it('says what is wrong with a malformed term', () => {
    expect(() => parseRunFilter('learningRate>')).toThrow(RunFilterError);
    expect(() => parseRunFilter('learningRate>fast')).toThrow(/compares numbers, and "fast" is not one/);
  });
});

describe('line diff', () => {
  it('finds the changed lines between common head and tail', () => {
    const lines = diffLines('a\nb\nc\nd\ne', 'a\nb\nX\nd\ne\nf');
    expect(lines.filter((line) => line.kind !== 'same')).toEqual([
      { kind: 'removed', text: 'c' },
      { kind: 'added', text: 'X' },
      { kind: 'added', text: 'f' },
    ]);
    expect(formatDiff(lines, 1)).toBe('  b\n- c\n+ X\n  d\n  e\n+ f');
  });
});

describe('compareRuns', () => {
  const detail = (number: number, learningRate: number, findings: Finding[], source: string): RunDetail => ({
    ...entry(number, { learningRate, optimizer: 'Adam' }),
    source,
    sourceHash: source,
    priorCode: 'const model = 1;',
    priorCodeHash: 'p',
    config: { versions: { lossbook: '0.1.0' }, model: { name: 'm', layers: [{ name: 'd', className: 'Dense', units: number * 4, params: 5 }], losses: ['mse'], totalParams: 5, trainableParams: 5, structuralHash: `h${number}` } },
    memory: null,
    findings,
  });

  it('lists config differences, code diff, metric deltas at matched steps and findings added/removed', () => {
    const a = detail(1, 0.1, [finding('loss.diverging'), finding('lr.high')], 'fit(0.1)');
    const b = detail(2, 0.01, [finding('lr.high'), finding('val.overfit')], 'fit(0.01)');
    const comparison = compareRuns(a, b, [{ runId: a.id, name: 'loss', steps: [0, 1, 2, 3], values: [4, 3, null, 1] }, { runId: a.id, name: 'acc', steps: [0], values: [0] }], [{ runId: b.id, name: 'loss', steps: [0, 2, 3, 4], values: [4, 2, 0.5, 0.25] }]);
    expect(comparison.config).toEqual([
      { key: 'params.learningRate', a: 0.1, b: 0.01 },
      { key: 'config.model.layers[0].units', a: 4, b: 8 },
      { key: 'config.model.structuralHash', a: 'h1', b: 'h2' },
    ]);
    expect(comparison.code.sourceChanged).toBe(true);
    expect(comparison.code.priorChanged).toBe(false);
    expect(comparison.code.source).toEqual([{ kind: 'removed', text: 'fit(0.1)' }, { kind: 'added', text: 'fit(0.01)' }]);
    expect(comparison.metrics).toEqual([{ name: 'loss', matchedSteps: 3, points: [{ step: 0, a: 4, b: 4, delta: 0 }, { step: 2, a: null, b: 2, delta: null }, { step: 3, a: 1, b: 0.5, delta: -0.5 }], final: { step: 3, a: 1, b: 0.5, delta: -0.5 } }]);
    expect(comparison.onlyInA).toEqual(['acc']);
    expect(comparison.findings.added.map((f) => f.id)).toEqual(['val.overfit']);
    expect(comparison.findings.removed.map((f) => f.id)).toEqual(['loss.diverging']);
    expect(comparison.findings.kept.map((f) => f.id)).toEqual(['lr.high']);
  });

  it('flattens nested configuration into paths', () => {
    expect(flattenConfig({ fit: { epochs: 3, shape: [8, 3] }, layers: [{ units: 4 }] })).toEqual({ 'fit.epochs': 3, 'fit.shape': '[8, 3]', 'layers[0].units': 4 });
  });
});

describe('runs table', async () => {
  const { runColumns, sortRuns, groupRuns } = await import('./table');
  const runs = [entry(1, { learningRate: 0.1, optimizer: 'Adam', modelHash: 'x' }), entry(2, { learningRate: 0.001 }), entry(3, { learningRate: 0.01, optimizer: 'SGD' })];

  it('shows params by how usual they are, hides facts, then the usual metrics', () => {
    expect(runColumns(runs).map((column) => column.key)).toEqual(['number', 'createdAt', 'status', 'notebook', 'learningRate', 'optimizer', 'loss', 'durationMs', 'verdict', 'tags']);
  });

  it('sorts numbers and text either way with empty cells last, and groups by a column', () => {
    const learningRate = { key: 'learningRate', kind: 'param' } as const;
    expect(sortRuns(runs, learningRate, 'asc').map((run) => run.number)).toEqual([2, 3, 1]);
    expect(sortRuns(runs, { key: 'optimizer', kind: 'param' }, 'desc').map((run) => run.number)).toEqual([3, 1, 2]);
    expect(sortRuns(runs, { key: 'optimizer', kind: 'param' }, 'asc').map((run) => run.number)).toEqual([1, 3, 2]);
    expect(groupRuns(runs, { key: 'optimizer', kind: 'param' }).map((group) => [group.value, group.runs.length])).toEqual([['Adam', 1], [null, 1], ['SGD', 1]]);
  });
});
