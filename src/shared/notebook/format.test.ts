import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../protocol';
import publishedSchema from '../../../resources/lossbook.schema.json';
import {
  base64ToBytes,
  bytesToBase64,
  decodeNumbers,
  decodeValues,
  encodeNumbers,
  encodeValues,
  LOSSBOOK_FORMAT_VERSION,
  lossbookJsonSchema,
  NotebookFormatError,
  parseNotebook,
  serializeNotebook,
  type NotebookFormatErrorReason,
} from './format';
import { NotebookSchema, type Cell, type Notebook, type RunRecord } from './model';

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    id: 'loss.nan',
    key: 'loss.nan',
    family: 'dynamic',
    severity: 'error',
    title: 'Loss became NaN',
    evidence: { summary: 'loss NaN at step 12', values: { step: 12, lr: 10, layers: ['dense_1', null] } },
    step: 12,
    epoch: 0,
    explanation: 'The learning rate is too high.',
    fix: { text: 'Lower the learning rate', code: 'tf.train.adam(1e-3)' },
    source: 'seed 001',
    count: 1,
    ...overrides,
  };
}

function sampleNotebook(): Notebook {
  const run: RunRecord = {
    runId: 'run-1',
    cellId: 'cell-2',
    executionCount: 1,
    startedAt: 1_700_000_000_000,
    durationMs: 1234,
    status: 'ok',
    backend: { name: 'wasm', requested: 'auto', requestedBy: 'default', attempts: [{ backend: 'tensorflow', ok: false, reason: 'not installed' }, { backend: 'wasm', ok: true, ms: 40 }], tfjsVersion: '4.22.0', isGpu: false },
    series: [
      { name: 'loss', steps: [0, 1, 2, 3], values: [2.5, 1.25, null, 0.5], epochs: [0, 0, 1, 1] },
      { name: 'val_loss', steps: [1, 3], values: [1.5, 0.75], epochs: [0, 1] },
    ],
    findings: [finding()],
    memory: {
      before: { numTensors: 2, numBytes: 64, rssBytes: 1e8, heapUsedBytes: 5e7, time: 1 },
      after: { numTensors: 6, numBytes: 192, rssBytes: 1e8, heapUsedBytes: 5e7, time: 2 },
      kept: { tensors: 4, bytes: 128 },
      disposed: { tensors: 100, bytes: 4000 },
      leaked: { tensors: 0, bytes: 0 },
    },
    progress: { epoch: 1, epochs: 2, step: 3 },
    artifacts: [{ kind: 'lr-range', data: { lrs: [1e-4, 1e-3] } }],
  };
  return {
    metadata: { title: 'Sample', created: '2026-01-01T00:00:00.000Z', modified: '2026-01-02T00:00:00.000Z', lossbookVersion: '0.1.0', backend: 'auto' },
    cells: [
      { id: 'cell-1', kind: 'markdown', source: '# Title', outputs: [], runs: [], dismissed: [] },
      {
        id: 'cell-2',
        kind: 'code',
        source: 'await model.fit(xs, ys)',
        language: 'typescript',
        executionCount: 1,
        outputs: [
          { type: 'stream', name: 'stdout', text: 'epoch 1\n' },
          { type: 'display', value: { kind: 'table', columns: ['a'], rows: [[1], ['x'], [null]] } },
          { type: 'error', error: { name: 'Error', message: 'boom', phase: 'runtime', line: 3 } },
        ],
        runs: [run],
        dismissed: ['loss.nan'],
      },
    ],
  };
}

function expectFormatError(action: () => unknown, reason: NotebookFormatErrorReason): NotebookFormatError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(NotebookFormatError);
    expect((error as NotebookFormatError).reason).toBe(reason);
    return error as NotebookFormatError;
  }
  throw new Error(`expected a NotebookFormatError (${reason})`);
}

describe('number codecs', () => {
  it('base64 agrees with Node for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = bytesToBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect(Array.from(base64ToBytes(text))).toEqual(Array.from(bytes));
      }),
    );
  });

  it('encodes steps and epochs losslessly, whatever the numbers', () => {
    const numbers = fc.oneof(
      fc.array(fc.double({ noNaN: true, noDefaultInfinity: true })),
      fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 200 }),
      fc.tuple(fc.integer(), fc.integer({ min: -3, max: 3 }), fc.nat(300)).map(([start, stride, length]) => Array.from({ length }, (_, index) => start + index * stride)),
    );
    fc.assert(
      fc.property(numbers, (values) => {
        const decoded = decodeNumbers(encodeNumbers(values));
        expect(decoded.length).toBe(values.length);
        decoded.forEach((value, index) => expect(Object.is(value, values[index])).toBe(true));
      }),
    );
  });

  it('picks a compact encoding for the usual shapes', () => {
    const steps = Array.from({ length: 1000 }, (_, index) => index);
    const epochs = steps.map((step) => Math.floor(step / 100));
    expect(encodeNumbers(steps)).toEqual({ encoding: 'range', length: 1000, start: 0, stride: 1 });
    expect(encodeNumbers(epochs).encoding).toBe('runs');
    expect(encodeNumbers([3, 1, 4, 1, 5]).encoding).toBe('int32');
    expect(encodeNumbers([0.5, 0.25, 3]).encoding).toBe('float64');
  });

  it('stores values as float32 with null for missing and clamps beyond float32', () => {
    const decoded = decodeValues(encodeValues([0.1, null, -2, 1e39, -1e39]));
    expect(decoded).toEqual([Math.fround(0.1), null, -2, 3.4028234663852886e38, -3.4028234663852886e38]);
  });
});

describe('serialize / parse', () => {
  it('round-trips a notebook with runs, findings, dismissals, memory and outputs', () => {
    const notebook = sampleNotebook();
    const text = serializeNotebook(notebook, { savedBy: 'Lossbook 0.1.0' });
    const document = JSON.parse(text);
    expect(document.format).toBe('lossbook');
    expect(document.formatVersion).toBe(LOSSBOOK_FORMAT_VERSION);
    expect(document.cells[1].runs[0].series[0].values.encoding).toBe('float32');
    expect(parseNotebook(text)).toEqual(notebook);
  });

  it('round-trips any valid notebook (values to float32 precision)', () => {
    const text = fc.string({ maxLength: 12 });
    const value = fc.option(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e30, max: 1e30 }), { nil: null });
    const series = fc
      .record({ name: text, points: fc.array(fc.tuple(fc.nat(10_000), value, fc.nat(50)), { maxLength: 40 }), withEpochs: fc.boolean() })
      .map(({ name, points, withEpochs }) => ({
        name,
        steps: points.map((point) => point[0]),
        values: points.map((point) => point[1]),
        epochs: withEpochs ? points.map((point) => point[2]) : [],
      }));
    const run = fc.record({
      runId: text,
      cellId: text,
      executionCount: fc.nat(),
      startedAt: fc.nat(),
      durationMs: fc.option(fc.nat(), { nil: undefined }),
      status: fc.constantFrom('ok', 'error', 'interrupted', 'killed', 'running') as fc.Arbitrary<RunRecord['status']>,
      series: fc.array(series, { maxLength: 4 }),
      findings: fc.array(fc.record({ id: text, severity: fc.constantFrom('error', 'warning', 'info') as fc.Arbitrary<Finding['severity']>, title: text, step: fc.option(fc.nat(), { nil: undefined }) }), { maxLength: 3 }),
      artifacts: fc.array(fc.record({ kind: text, data: fc.jsonValue() }), { maxLength: 2 }),
    });
    const cell = fc.record({
      id: text,
      kind: fc.constantFrom('code', 'markdown') as fc.Arbitrary<Cell['kind']>,
      source: fc.string({ maxLength: 200, unit: 'binary' }),
      outputs: fc.array(fc.record({ type: fc.constant('stream' as const), name: fc.constantFrom('stdout', 'stderr') as fc.Arbitrary<'stdout' | 'stderr'>, text }), { maxLength: 3 }),
      runs: fc.array(run, { maxLength: 2 }),
      dismissed: fc.array(text, { maxLength: 2 }),
    });
    const notebooks = fc.record({ title: text, cells: fc.array(cell, { maxLength: 4 }) }).map(({ title, cells }) => {
      const notebook: Notebook = {
        metadata: { title, created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', lossbookVersion: '0.1.0' },
        cells: cells.map((c) => ({
          ...c,
          runs: c.runs.map((r) => {
            const { durationMs, ...rest } = r;
            return { ...rest, ...(durationMs === undefined ? {} : { durationMs }), findings: r.findings.map((f) => finding({ ...f, ...(f.step === undefined ? { step: undefined } : {}) })) };
          }),
        })),
      };
      return NotebookSchema.parse(notebook);
    });
    fc.assert(
      fc.property(notebooks, (notebook) => {
        const parsed = parseNotebook(serializeNotebook(notebook));
        const expected = structuredClone(notebook);
        for (const c of expected.cells) for (const r of c.runs) for (const s of r.series) s.values = s.values.map((v) => (v === null ? null : Math.fround(v)));
        expect(parsed).toEqual(expected);
        // Saving what was opened changes nothing: the file is a fixed point after one round.
        expect(serializeNotebook(parsed)).toBe(serializeNotebook(parseNotebook(serializeNotebook(parsed))));
      }),
      { numRuns: 60 },
    );
  });

  it('refuses any truncation of a file, with the reason, and never returns a partial notebook', () => {
    const text = serializeNotebook(sampleNotebook());
    fc.assert(
      fc.property(fc.integer({ min: 1, max: text.length - 3 }), (cut) => {
        const error = expectFormatError(() => parseNotebook(text.slice(0, cut)), 'truncated');
        expect(error.message).toMatch(/truncated/);
      }),
    );
  });

  it('either parses or throws NotebookFormatError for any corrupted byte — never another error', () => {
    const text = serializeNotebook(sampleNotebook());
    fc.assert(
      fc.property(fc.nat(text.length - 1), fc.constantFrom('"', '{', '0', 'x', ']', ' ', '\u0000', 'A', '9'), (position, character) => {
        const corrupted = text.slice(0, position) + character + text.slice(position + 1);
        try {
          NotebookSchema.parse(parseNotebook(corrupted));
        } catch (error) {
          expect(error).toBeInstanceOf(NotebookFormatError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses text that is not JSON, JSON that is not a notebook, and wrong types', () => {
    expect(expectFormatError(() => parseNotebook('hello world'), 'not-json').message).toMatch(/not JSON/);
    expect(expectFormatError(() => parseNotebook('\u0089PNG\r\n\u001a\n\u0000\u0000'), 'not-json').message).toMatch(/binary/);
    expectFormatError(() => parseNotebook('{"a": 1,}'), 'not-json');
    expectFormatError(() => parseNotebook('[1, 2, 3]'), 'not-a-notebook');
    expectFormatError(() => parseNotebook('{"cells": []}'), 'not-a-notebook');
    const document = JSON.parse(serializeNotebook(sampleNotebook()));
    document.cells[1].runs[0].findings[0].severity = 'catastrophic';
    expect(expectFormatError(() => parseNotebook(JSON.stringify(document)), 'invalid').message).toMatch(/cells\.1\.runs\.0\.findings\.0\.severity/);
    const wrongType = JSON.parse(serializeNotebook(sampleNotebook()));
    wrongType.cells = 'none';
    expectFormatError(() => parseNotebook(JSON.stringify(wrongType)), 'invalid');
  });

  it('refuses damaged series data: bad base64, wrong byte count, steps and values of different lengths', () => {
    const base = JSON.parse(serializeNotebook(sampleNotebook()));
    const damaged = structuredClone(base);
    damaged.cells[1].runs[0].series[0].values.data = 'not base64!';
    expectFormatError(() => parseNotebook(JSON.stringify(damaged)), 'invalid');
    const short = structuredClone(base);
    short.cells[1].runs[0].series[0].values.length = 7;
    expect(expectFormatError(() => parseNotebook(JSON.stringify(short)), 'invalid').message).toMatch(/series/);
    const badRuns = structuredClone(base);
    badRuns.cells[1].runs[0].series[0].epochs = { encoding: 'runs', length: 4, data: bytesToBase64(new Uint8Array(new Float64Array([0, 99]).buffer)) };
    expectFormatError(() => parseNotebook(JSON.stringify(badRuns)), 'invalid');
  });

  it('refuses a newer format version as a whole, saying which versions it reads', () => {
    const document = JSON.parse(serializeNotebook(sampleNotebook()));
    document.formatVersion = LOSSBOOK_FORMAT_VERSION + 1;
    document.savedBy = 'Lossbook 9.0.0';
    const error = expectFormatError(() => parseNotebook(JSON.stringify(document)), 'newer-version');
    expect(error.message).toContain('Lossbook 9.0.0');
    expect(error.message).toMatch(/Update Lossbook/);
    document.formatVersion = 'two';
    expectFormatError(() => parseNotebook(JSON.stringify(document)), 'unknown-version');
    document.formatVersion = -1;
    expectFormatError(() => parseNotebook(JSON.stringify(document)), 'unknown-version');
  });

  it('migrates a version 0 file (plain-array series) to the current format', () => {
    const v0 = {
      format: 'lossbook',
      formatVersion: 0,
      metadata: { title: 'Old', created: '2025-01-01T00:00:00.000Z', modified: '2025-01-01T00:00:00.000Z', lossbookVersion: '0.0.1' },
      cells: [
        {
          id: 'c1',
          kind: 'code',
          source: 'fit()',
          outputs: [],
          dismissed: [],
          runs: [{ runId: 'r1', cellId: 'c1', executionCount: 1, startedAt: 5, status: 'ok', findings: [], artifacts: [], series: [{ name: 'loss', steps: [0, 1, 2], values: [1, 0.5, null] }] }],
        },
      ],
    };
    const notebook = parseNotebook(JSON.stringify(v0));
    expect(notebook.cells[0]!.runs[0]!.series[0]).toEqual({ name: 'loss', steps: [0, 1, 2], values: [1, 0.5, null], epochs: [] });
    expect(JSON.parse(serializeNotebook(notebook)).formatVersion).toBe(LOSSBOOK_FORMAT_VERSION);
    const broken = structuredClone(v0);
    broken.cells[0]!.runs[0]!.series[0]!.values = [1];
    expect(expectFormatError(() => parseNotebook(JSON.stringify(broken)), 'invalid').message).toMatch(/version 0/);
  });

  it('refuses to serialize an invalid notebook', () => {
    const notebook = sampleNotebook() as unknown as { cells: Array<{ kind: string }> };
    notebook.cells[0]!.kind = 'poem';
    expectFormatError(() => serializeNotebook(notebook as unknown as Notebook), 'invalid');
  });
});

describe('published JSON Schema', () => {
  it('resources/lossbook.schema.json matches the zod schema (run `node --import tsx scripts/gen-schema.mjs` if not)', () => {
    expect(publishedSchema).toEqual(JSON.parse(JSON.stringify(lossbookJsonSchema())));
  });
});
