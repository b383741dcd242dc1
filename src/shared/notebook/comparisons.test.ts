// Format version 2: the run comparisons a notebook keeps (issue 20).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { comparisonSnapshot } from '../runs/comparison-snapshot';
import { testComparisonSource } from '../runs/comparison.testing';
import { LOSSBOOK_FORMAT_VERSION, NotebookFormatError, parseNotebook, serializeNotebook } from './format';
import { migrateToCurrent } from './migrations';
import { createNotebook, type Notebook } from './model';
import { NotebookFileV1Schema } from './schema-v1';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

function notebookWithComparison(): Notebook {
  const notebook = createNotebook('Learning rates', '0.1.0');
  return { ...notebook, comparisons: [comparisonSnapshot(testComparisonSource({ points: 3000 }), { id: 'comparison-1', addedAt: new Date('2026-01-02T03:04:05Z') })] };
}

function refusal(text: string): NotebookFormatError {
  try {
    parseNotebook(text);
  } catch (error) {
    expect(error).toBeInstanceOf(NotebookFormatError);
    return error as NotebookFormatError;
  }
  throw new Error('expected the file to be refused');
}

describe('format version 2: comparisons', () => {
  it('is the current version', () => {
    expect(LOSSBOOK_FORMAT_VERSION).toBe(2);
  });

  it('round-trips a saved comparison, its curves stored with the series codec (values to float32)', () => {
    const notebook = notebookWithComparison();
    const text = serializeNotebook(notebook);
    const file = JSON.parse(text);
    expect(Object.keys(file)).toEqual(['format', 'formatVersion', 'metadata', 'cells', 'comparisons']);
    expect(file.comparisons[0].curves.a[0]).toMatchObject({ name: 'loss', values: { encoding: 'float32', length: expect.any(Number) } });
    const expected = structuredClone(notebook);
    for (const series of [...expected.comparisons![0]!.curves.a, ...expected.comparisons![0]!.curves.b]) series.values = series.values.map((value) => (value === null ? null : Math.fround(value)));
    const parsed = parseNotebook(text);
    expect(parsed).toEqual(expected);
    expect(serializeNotebook(parsed)).toBe(serializeNotebook(parseNotebook(serializeNotebook(parsed))));
  });

  it('writes an empty list when there are none, and reads a notebook without comparisons back as it was', () => {
    const notebook = createNotebook('Plain', '0.1.0');
    const text = serializeNotebook(notebook);
    expect(JSON.parse(text).comparisons).toEqual([]);
    expect(parseNotebook(text)).toEqual(notebook);
    expect('comparisons' in parseNotebook(text)).toBe(false);
  });

  it('refuses a damaged comparison as a whole, saying where', () => {
    const base = JSON.parse(serializeNotebook(notebookWithComparison()));
    const cases: Array<[string, (file: { comparisons: Array<Record<string, any>> }) => void, RegExp]> = [
      ['a finding of unknown severity', (file) => (file.comparisons[0]!.findingDetails.added[0].severity = 'fatal'), /comparisons\.0\.findingDetails\.added\.0\.severity/],
      ['a run header missing', (file) => delete file.comparisons[0]!.runs.b, /comparisons\.0\.runs\.b/],
      ['a curve longer than the bound', (file) => (file.comparisons[0]!.curves.a[0].values.length = 2001), /comparisons\.0\.curves\.a\.0\.values\.length/],
      ['a diff row that is neither a line nor a count', (file) => file.comparisons[0]!.comparison.code.source.push({ kind: 'moved', text: 'x' }), /comparisons\.0\.comparison\.code\.source/],
      ['comparisons not a list', (file) => ((file as Record<string, unknown>).comparisons = {}), /comparisons/],
    ];
    for (const [, damage, where] of cases) {
      const file = structuredClone(base);
      damage(file);
      const error = refusal(JSON.stringify(file));
      expect(error.reason).toBe('invalid');
      expect(error.message).toMatch(where);
    }
    // Curve data its length does not back: the codec's check, named as a series.
    const short = structuredClone(base);
    short.comparisons[0].curves.b[0].values.data = short.comparisons[0].curves.b[0].values.data.slice(8);
    expect(refusal(JSON.stringify(short)).message).toMatch(/series/);
  });

  it('refuses to save a comparison over the bounds', () => {
    const notebook = notebookWithComparison();
    const series = notebook.comparisons![0]!.curves.a[0]!;
    series.steps = Array.from({ length: 2001 }, (_, step) => step);
    series.values = series.steps.map(() => 1);
    expect(() => serializeNotebook(notebook)).toThrow(/cannot be saved: comparisons\.0\.curves\.a\.0\.steps/);
  });
});

describe('format version 1', () => {
  it('is frozen: its schema is the one published when it was frozen (edit neither; add a version instead)', () => {
    const frozen = JSON.parse(fixture('format-v1.schema.json')) as unknown;
    expect(JSON.parse(JSON.stringify(z.toJSONSchema(NotebookFileV1Schema, { io: 'input', target: 'draft-2020-12' })))).toEqual(frozen);
  });

  it('a real version 1 file (a trained model: series, findings, outputs) migrates with no comparisons', () => {
    const text = fixture('format-v1-training.lossbook');
    expect(JSON.parse(text).formatVersion).toBe(1);
    const notebook = parseNotebook(text);
    expect(notebook.comparisons).toBeUndefined();
    expect(notebook.cells.map((cell) => cell.kind)).toEqual(['markdown', 'code', 'code']);
    const run = notebook.cells[2]!.runs[0]!;
    expect(run.series.map((series) => series.name)).toContain('val_acc');
    expect(run.series.find((series) => series.name === 'loss')!.steps.length).toBeGreaterThan(10);
    expect(run.findings.map((finding) => finding.id)).toEqual(['perf.backend-fallback', 'trend.healthy']);
    const saved = JSON.parse(serializeNotebook(notebook));
    expect(saved).toMatchObject({ formatVersion: 2, comparisons: [] });
    expect(parseNotebook(JSON.stringify(saved))).toEqual(notebook);
  });

  it('refuses a damaged version 1 file as a whole, saying it is version 1', () => {
    const document = JSON.parse(fixture('format-v1-training.lossbook'));
    document.cells[2].runs[0].findings[0].severity = 'fatal';
    expect(() => migrateToCurrent(document)).toThrow(/format version 1\) is damaged: cells\.2\.runs\.0\.findings\.0\.severity/);
  });
});
