import { describe, expect, it } from 'vitest';
import { refineSpace, type ParamSpec, type SearchSpace } from './space';
import {
  buildSweepView,
  formatValue,
  latestSweepArtifacts,
  learningCurves,
  logTicks,
  qualityColor,
  sortRows,
  sweepFigures,
  sweepViews,
  type SortKey,
  type SweepPalette,
} from './view-model';
import { DIVERGING_LR, runSyntheticSweep } from './view-model.testing';
import { summarizeSweep } from './summary';

const palette: SweepPalette = { text: '#111', muted: '#666', grid: '#eee', background: '#fff', font: 'sans-serif', error: '#c00', best: '#00c' };

/** Evaluates a refine snippet the way the kernel would, with lossbook.sweep's space builders. */
function evaluateSpace(code: string): SearchSpace {
  const lossbook = {
    sweep: {
      logUniform: (low: number, high: number): ParamSpec => ({ kind: 'logUniform', low, high }),
      uniform: (low: number, high: number): ParamSpec => ({ kind: 'uniform', low, high }),
      intUniform: (low: number, high: number): ParamSpec => ({ kind: 'intUniform', low, high }),
      choice: (values: Array<number | string | boolean>): ParamSpec => ({ kind: 'choice', values }),
    },
  };
  return new Function('lossbook', code)(lossbook) as SearchSpace;
}

describe('sweep view model on a real SweepScheduler run', () => {
  const fixture = runSyntheticSweep();
  const { scheduler, run, name } = fixture;
  const ranked = scheduler.ranked();
  const [view] = sweepViews(run);
  const state = scheduler.state;
  const diverged = state.trials.filter((trial) => (trial.params.lr as number) > DIVERGING_LR);

  it('the fixture is a meaningful sweep: pruned trials, diverged trials, a finite best', () => {
    expect(run.artifacts.length).toBe(state.trials.length);
    expect(state.trials.some((trial) => trial.status === 'pruned' && !diverged.includes(trial))).toBe(true);
    expect(diverged.length).toBeGreaterThan(0);
    expect(view).toBeDefined();
  });

  it('reads the last artifact per sweep name, keeping the order sweeps started in', () => {
    const second = runSyntheticSweep({ name: 'second', seed: 9, trials: 3 });
    const mixed = { artifacts: [run.artifacts[0]!, ...second.run.artifacts, ...run.artifacts.slice(1), { kind: 'lr-range-test', data: {} }, { kind: 'sweep', data: { name: 'broken' } }] };
    const artifacts = latestSweepArtifacts(mixed);
    expect(artifacts.map((artifact) => artifact.name)).toEqual([name, 'second']);
    expect(artifacts[0]!.state.trials).toHaveLength(state.trials.length);
    expect(artifacts[1]!.state.trials).toHaveLength(3);
    // A damaged newest snapshot: the one before it is shown.
    const damaged = latestSweepArtifacts({ artifacts: [...run.artifacts, { kind: 'sweep', data: { name, state: 'garbage' } }] });
    expect(damaged[0]!.state.trials).toHaveLength(state.trials.length);
    expect(sweepViews({ artifacts: [] })).toEqual([]);
    expect(sweepViews({ artifacts: [{ kind: 'lr-range-test', data: { suggested: 1 } }] })).toEqual([]);
  });

  it('reads NaN both as NaN (in memory) and as null (after JSON)', () => {
    const inMemory = sweepViews(runSyntheticSweep({ json: false }).run)[0]!;
    expect(inMemory.rows.map((row) => [row.id, row.best, row.rank, row.text.best, row.diverged])).toEqual(view!.rows.map((row) => [row.id, row.best, row.rank, row.text.best, row.diverged]));
  });

  it('summarizes counts and the best trial as the scheduler ranks them', () => {
    expect(view!.metric).toBe('val_loss');
    expect(view!.goal).toBe('min');
    expect(view!.counts.finished).toBe(state.trials.length);
    expect(view!.counts.pruned).toBe(state.trials.filter((trial) => trial.status === 'pruned').length);
    expect(view!.best?.trialId).toBe(ranked[0]!.id);
    expect(view!.best?.value).toBe(ranked[0]!.best);
    expect(view!.best?.text).toContain(`lr = ${formatValue(ranked[0]!.params.lr)}`);
  });

  it('builds one table row per trial with its rank, params and outcome', () => {
    expect(view!.rows.map((row) => row.id)).toEqual(state.trials.map((trial) => trial.id));
    const expectedRanks = ranked.filter((trial) => trial.best !== undefined).map((trial) => trial.id);
    const byRank = view!.rows.filter((row) => row.rank !== undefined).sort((a, b) => a.rank! - b.rank!);
    expect(byRank.map((row) => row.id)).toEqual(expectedRanks);
    for (const trial of state.trials) {
      const row = view!.rows.find((candidate) => candidate.id === trial.id)!;
      expect(row.epochs).toBe(trial.history.length);
      expect(row.text['param:lr']).toBe(formatValue(trial.params.lr));
      expect(row.text['param:batchSize']).toBe(String(trial.params.batchSize));
      expect(row.findings).toEqual(trial.findings.map((finding) => finding.id));
      if (trial.status === 'pruned') expect(row.text.status).toBe(`pruned at epoch ${trial.prunedAt}`);
    }
    for (const trial of diverged) {
      const row = view!.rows.find((candidate) => candidate.id === trial.id)!;
      expect(row.diverged).toBe(true);
      expect(row.findings).toContain('loss.nan');
      if (trial.best === undefined) expect(row.text.best).toBe('diverged');
    }
    expect(view!.columns.map((column) => column.key)).toEqual(['id', 'status', 'param:lr', 'param:l2', 'param:batchSize', 'best', 'final', 'epochs', 'duration', 'findings']);
  });

  it('sorts by every column both ways, trials without a value last', () => {
    for (const column of view!.columns) {
      for (const direction of ['asc', 'desc'] as const) {
        const sorted = sortRows(view!.rows, column.key, direction);
        expect(sorted).toHaveLength(view!.rows.length);
        const numeric = (key: SortKey, row: (typeof sorted)[number]): number | undefined =>
          key === 'best' ? row.best : key === 'duration' ? row.durationMs : key === 'epochs' ? row.epochs : key === 'id' ? row.id : key.startsWith('param:') && key !== 'param:batchSize' ? (row.params[key.slice(6)] as number) : undefined;
        const values = sorted.map((row) => numeric(column.key, row));
        if (values.every((value) => value === undefined)) continue;
        const present = values.filter((value): value is number => value !== undefined);
        // Missing values are all at the end.
        expect(values.slice(0, present.length).every((value) => value !== undefined)).toBe(true);
        const ordered = [...present].sort((a, b) => (direction === 'asc' ? a - b : b - a));
        expect(present).toEqual(ordered);
      }
    }
    expect(sortRows(view!.rows, view!.defaultSort.key, view!.defaultSort.direction)[0]!.id).toBe(ranked[0]!.id);
    const byStatus = sortRows(view!.rows, 'status', 'asc').map((row) => row.status);
    expect(byStatus.indexOf('pruned')).toBeGreaterThan(byStatus.lastIndexOf('completed'));
  });

  it('overlays one learning curve per trial, NaN epochs as gaps, the best one marked', () => {
    expect(view!.curves.curves).toHaveLength(state.trials.length);
    for (const curve of view!.curves.curves) {
      const trial = state.trials.find((candidate) => candidate.id === curve.trialId)!;
      expect(curve.epochs).toEqual(trial.history.map((entry) => entry.epoch));
      expect(curve.values).toEqual(trial.history.map((entry) => (Number.isFinite(entry.metrics.val_loss) ? entry.metrics.val_loss : null)));
      expect(curve.isBest).toBe(trial.id === ranked[0]!.id);
    }
    expect(view!.curveMetrics).toEqual(['val_loss', 'loss']);
    const training = learningCurves(state, 'loss');
    const bestCurve = training.curves.find((curve) => curve.trialId === ranked[0]!.id)!;
    expect(bestCurve.values).toEqual(ranked[0]!.history.map((entry) => entry.metrics.loss));
  });

  it('parallel coordinates: log10 axes with real-unit ticks for logUniform, choices as categories, the metric last', () => {
    const parallel = view!.parallel!;
    const drawn = parallel.trialIds.map((id) => state.trials.find((trial) => trial.id === id)!);
    expect(parallel.trialIds).toEqual(state.trials.filter((trial) => trial.best !== undefined).map((trial) => trial.id));
    expect(parallel.omitted).toEqual(state.trials.filter((trial) => trial.best === undefined).map((trial) => trial.id));
    const [lr, l2, batch, metric] = parallel.dimensions;
    expect(lr!.label).toBe('lr (log)');
    expect(lr!.values).toEqual(drawn.map((trial) => Math.log10(trial.params.lr as number)));
    expect(lr!.range).toEqual([Math.log10(1e-4), Math.log10(1)]);
    // Decade ticks, labelled in real units.
    expect(lr!.tickvals).toEqual([-4, -3, -2, -1, 0]);
    expect(lr!.ticktext).toEqual(lr!.tickvals!.map((tick) => formatValue(10 ** tick)));
    expect(l2!.ticktext).toContain('1e-6');
    expect(batch!.values).toEqual(drawn.map((trial) => [16, 32, 64].indexOf(trial.params.batchSize as number)));
    expect(batch!.ticktext).toEqual(['16', '32', '64']);
    expect(metric!.label).toMatch(/^best val_loss/);
    const expectedMetric = drawn.map((trial) => (metric!.log ? Math.log10(trial.best!) : trial.best!));
    expect(metric!.values).toEqual(expectedMetric);
    expect(parallel.color).toEqual(expectedMetric);
    expect(parallel.reverseScale).toBe(false);
  });

  it('scatter: best metric against lr on a log axis; diverged trials drawn at the top', () => {
    const scatter = view!.scatter!;
    expect(scatter.param).toBe('lr');
    expect(scatter.xLog).toBe(true);
    expect(scatter.points.map((point) => point.x)).toEqual(state.trials.filter((trial) => trial.best !== undefined).map((trial) => trial.params.lr));
    expect(scatter.noFinite.map((point) => point.trialId)).toEqual(state.trials.filter((trial) => trial.best === undefined).map((trial) => trial.id));
    for (const point of scatter.noFinite) expect(point.y).toBeGreaterThan(Math.max(...scatter.points.map((p) => p.y)));
    expect(scatter.points[0]!.label).toContain(`trial ${scatter.points[0]!.trialId}`);
  });

  it('common findings: loss.nan in the diverged trials, tied to high lr', () => {
    const nan = view!.findings.find((finding) => finding.id === 'loss.nan')!;
    expect(nan.trials).toEqual(diverged.map((trial) => trial.id));
    expect(nan.shareText).toBe(`${diverged.length}/${state.trials.length} trials`);
    expect(nan.association).toMatch(/^all \d+ with lr ≥ /);
    expect(nan.text).toBe(`loss.nan in ${nan.shareText} — ${nan.association}`);
  });

  it('refine: the snippet and the cell evaluate to a space that covers refineSpace of the best 3 trials', () => {
    const refine = view!.refine!;
    const best = ranked.filter((trial) => trial.status !== 'failed' && trial.best !== undefined).slice(0, 3);
    expect(refine.basedOn).toEqual(best.map((trial) => trial.id));
    const expected = refineSpace(fixture.settings.space, best.map((trial) => trial.params));
    expect(refine.space).toEqual(expected);
    expect(refine.snippet.startsWith('space: {\n  lr: lossbook.sweep.logUniform(')).toBe(true);
    const fromSnippet = evaluateSpace(`return { ${refine.snippet} }.space;`);
    const fromCell = evaluateSpace(`${refine.cellCode}\nreturn refinedSpace;`);
    expect(fromCell).toEqual(fromSnippet);
    for (const [param, spec] of Object.entries(expected)) {
      const written = fromSnippet[param]!;
      expect(written.kind).toBe(spec.kind);
      if (spec.kind === 'choice') expect(written).toEqual(spec);
      else if (written.kind !== 'choice') {
        // Rounded outward to 3 significant digits: covers the refined range, and barely wider.
        expect(written.low).toBeLessThanOrEqual(spec.low);
        expect(written.high).toBeGreaterThanOrEqual(spec.high);
        expect(written.low).toBeGreaterThan(spec.low * 0.98);
        expect(written.high).toBeLessThan(spec.high * 1.02);
      }
    }
    expect(refine.changes.find((change) => change.param === 'lr')!.from).toBe('1e-4 … 1');
  });

  it('builds Plotly figures: curves, a log-x scatter and a parcoords with real-unit ticks', () => {
    const figures = sweepFigures(view!, palette);
    expect(figures.map((figure) => figure.kind)).toEqual(['curves', 'scatter', 'parallel']);
    const [curves, scatter, parallel] = figures;
    expect(curves!.data).toHaveLength(state.trials.length);
    expect(curves!.data.at(-1)!.name).toBe(`trial ${ranked[0]!.id} (best)`);
    expect((scatter!.layout.xaxis as { type: string }).type).toBe('log');
    const trace = parallel!.data[0] as { type: string; dimensions: Array<{ label: string; tickvals?: number[]; ticktext?: string[] }> };
    expect(trace.type).toBe('parcoords');
    expect(trace.dimensions.at(-1)!.label).toMatch(/val_loss/);
    expect(trace.dimensions[0]!.ticktext).toEqual(['1e-4', '0.001', '0.01', '0.1', '1']);
    // Without WebGL: the same lines as SVG, one per drawn trial, each axis scaled to 0…1.
    const fallback = parallel!.fallback!;
    expect(fallback.data).toHaveLength(view!.parallel!.trialIds.length);
    const lrRange = view!.parallel!.dimensions[0]!.range;
    const firstLine = fallback.data[0] as { y: number[] };
    expect(firstLine.y[0]).toBeCloseTo((view!.parallel!.dimensions[0]!.values[0]! - lrRange[0]) / (lrRange[1] - lrRange[0]), 12);
    const allY = (fallback.data as Array<{ y: number[] }>).flatMap((line) => line.y);
    expect(Math.min(...allY)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...allY)).toBeLessThanOrEqual(1);
    expect((fallback.layout.annotations as Array<{ text: string }>).map((annotation) => annotation.text)).toEqual(expect.arrayContaining(['1e-4', '1', 'lr (log)', '16', '64']));
    const xRange = (scatter!.layout.xaxis as { range: number[] }).range;
    expect(xRange[0]).toBeLessThan(-4);
    expect(xRange[1]).toBeGreaterThan(0);
    // Plain data: survives JSON (the report embeds it) unchanged.
    expect(JSON.parse(JSON.stringify(figures))).toEqual(figures);
  });

  it('a goal of max reverses the colour scale and ranks high values first', () => {
    const artifact = latestSweepArtifacts(run)[0]!;
    const flipped = structuredClone(artifact);
    flipped.state.settings.goal = 'max';
    const maxView = buildSweepView(flipped);
    expect(maxView.parallel!.reverseScale).toBe(true);
    const finite = flipped.state.trials.filter((trial) => trial.best !== undefined);
    expect(maxView.best!.value).toBe(Math.max(...finite.map((trial) => trial.best!)));
    expect(maxView.defaultSort).toEqual({ key: 'best', direction: 'desc' });
  });
});

describe('sweep view helpers', () => {
  it('formats values compactly', () => {
    expect([1e-4, 0.001, 0.0123456, 128, 0.5, 3.2e-5, Number.NaN, 'relu', true].map((value) => formatValue(value))).toEqual(['1e-4', '0.001', '0.01235', '128', '0.5', '3.2e-5', 'NaN', 'relu', 'true']);
  });

  it('log ticks: decades when the range holds two, else ends and middle', () => {
    expect(logTicks(-5.2, -0.5).tickvals).toEqual([-5, -4, -3, -2, -1]);
    // 18 decades (an exploding trial): thinned to every third, labelled 1e6, not 1000000.
    const wide = logTicks(-2.1, 15.2);
    expect(wide.tickvals).toEqual([-2, 1, 4, 7, 10, 13]);
    expect(wide.ticktext).toEqual(['0.01', '10', '1e4', '1e7', '1e10', '1e13']);
    const narrow = logTicks(Math.log10(2e-3), Math.log10(8e-3));
    expect(narrow.tickvals).toHaveLength(3);
    expect(narrow.ticktext).toEqual(['0.002', '0.004', '0.008']);
  });

  it('quality colours run from the first stop to the last', () => {
    expect(qualityColor(0)).toBe('rgb(29, 78, 216)');
    expect(qualityColor(1)).toBe('rgb(202, 138, 4)');
    expect(qualityColor(2)).toBe(qualityColor(1));
  });
});

describe('trials that ran outside the kernel (issue 23)', () => {
  it('adds a Where column, with the attempt when a trial ran twice, and sorts by it', () => {
    const fixture = runSyntheticSweep({ trials: 3 });
    const local = sweepViews(fixture.run)[0]!;
    expect(local.columns.map((column) => column.key)).not.toContain('where');
    const state = structuredClone(fixture.scheduler.state);
    state.trials.forEach((trial, index) => Object.assign(trial, { where: `ray:127.0.0.1/0000000${index}`, task: `t${index}` }));
    state.trials[1]!.attempts = 2;
    const artifact = { kind: 'sweep', data: JSON.parse(JSON.stringify({ name: 'remote', state, summary: summarizeSweep(state, []) })) as unknown };
    const view = sweepViews({ artifacts: [artifact] })[0]!;
    expect(view.columns.at(-1)).toEqual({ key: 'where', label: 'Where', numeric: false });
    const row = (id: number) => view.rows.find((candidate) => candidate.id === id)!;
    expect(row(0).text.where).toBe('ray:127.0.0.1/00000000');
    expect(row(1).text.where).toBe('ray:127.0.0.1/00000001 (attempt 2)');
    expect(sortRows(view.rows, 'where', 'desc').map((candidate) => candidate.id)).toEqual([2, 1, 0]);
  });
});
