// Issue 17: hostile .lossbook text is refused with a reason before anything is allocated or
// walked — a 7 KB memory bomb, 10,000 nested arrays — and the refusal is fast.
import { describe, expect, it } from 'vitest';
import { deepArtifact, fixtureText, memoryBomb, runsBomb } from '../../host/hostile-notebooks.testing';
import { createNotebook } from './model';
import { decodeNumbers, jsonTextDepth, MAX_JSON_DEPTH, NotebookFormatError, parseNotebook, serializeNotebook, type NotebookFormatErrorReason } from './format';

function refusal(action: () => unknown): NotebookFormatError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(NotebookFormatError);
    return error as NotebookFormatError;
  }
  throw new Error('expected the text to be refused');
}

function expectRefusedQuickly(text: string, reason: NotebookFormatErrorReason, message: RegExp): void {
  const started = performance.now();
  const error = refusal(() => parseNotebook(text));
  // Generous (a loaded CI box); the bomb took 14 s and 1.5 GB before it aborted.
  expect(performance.now() - started).toBeLessThan(2_000);
  expect(error.reason).toBe(reason);
  expect(error.message).toMatch(message);
}

describe('hostile notebooks (issue 17)', () => {
  it('the real fixture opens (the mutations below are all that makes them hostile)', () => {
    expect(parseNotebook(fixtureText()).cells.length).toBeGreaterThan(0);
  });

  it('refuses an epochs `range` of 4,294,967,295 points: checked against the series, before allocation', () => {
    expectRefusedQuickly(memoryBomb(), 'invalid', /epochs for \d+ values/);
  });

  it('refuses steps whose `runs` claim 2^32 - 1 points', () => {
    expectRefusedQuickly(runsBomb(), 'invalid', /steps but \d+ values/);
  });

  it('refuses a values array whose length is not backed by its bytes, without decoding it', () => {
    const document = JSON.parse(fixtureText()) as { cells: Array<{ runs: Array<{ series: Array<{ values: { length: number } }> }> }> };
    const run = document.cells.flatMap((cell) => cell.runs).find((candidate) => candidate.series.length > 0)!;
    run.series[0]!.values.length = 4294967295;
    expectRefusedQuickly(JSON.stringify(document), 'invalid', /base64 characters, expected/);
  });

  it('bounds a decoded length by what the caller allows, before allocating', () => {
    expect(() => decodeNumbers({ encoding: 'range', length: 4294967295, start: 0, stride: 1 }, 10)).toThrow(/claims 4294967295 values/);
    expect(() => decodeNumbers({ encoding: 'int32', length: 1_000_000_000, data: 'AAAAAA==' })).toThrow(RangeError);
  });

  it('refuses 10,000 nested arrays at parse, with the reason, not a stack overflow', () => {
    expectRefusedQuickly(deepArtifact(10_000), 'too-deep', /more than 256 levels deep/);
    // Just inside the bound still opens: the limit is depth, not size.
    expect(() => parseNotebook(deepArtifact(MAX_JSON_DEPTH - 10))).not.toThrow();
  });

  it('counts depth outside strings only: brackets in a cell source are text', () => {
    const notebook = createNotebook('brackets');
    notebook.cells[0]!.source = '['.repeat(5_000) + '{'.repeat(5_000) + '"\\"[[[';
    expect(parseNotebook(serializeNotebook(notebook)).cells[0]!.source).toBe(notebook.cells[0]!.source);
    expect(jsonTextDepth('{"a":"[[[[\\"[[","b":[[1]]}')).toBe(3);
  });

  it('refuses to save a notebook nested past the bound, with a reason', () => {
    const notebook = createNotebook('deep');
    let data: unknown = 1;
    for (let level = 0; level < 10_000; level++) data = [data];
    notebook.cells[0]!.outputs.push({ type: 'display', value: { kind: 'json', json: data } });
    expect(refusal(() => serializeNotebook(notebook)).reason).toBe('too-deep');
  });
});
