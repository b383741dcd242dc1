import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LOSSBOOK_FORMAT_VERSION, parseNotebook, serializeNotebook } from './format';
import { migrateToCurrent } from './migrations';
import { NotebookFileV0Schema } from './schema-v0';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('format version 0', () => {
  it('is frozen: its schema is the one published when it was frozen (edit neither; add a version instead)', () => {
    const frozen = JSON.parse(fixture('format-v0.schema.json')) as unknown;
    expect(JSON.parse(JSON.stringify(z.toJSONSchema(NotebookFileV0Schema, { io: 'input', target: 'draft-2020-12' })))).toEqual(frozen);
  });

  it('an old file with every kind of output, a run, findings and memory migrates to the current format', () => {
    const text = fixture('format-v0-training.lossbook');
    const notebook = parseNotebook(text);
    const [intro, train] = notebook.cells;
    expect(intro).toMatchObject({ id: 'intro', kind: 'markdown', runs: [] });
    expect(train!.outputs.map((output) => output.type)).toEqual(['stream', 'display', 'display', 'error']);
    expect(train!.dismissed).toEqual(['model.no-bias:dense_Dense2']);
    const [run] = train!.runs;
    expect(run!.series).toEqual([
      { name: 'loss', steps: [0, 1, 2, 3], values: [2.3, 1.9, null, 1.1].map((value) => (value === null ? null : Math.fround(value))), epochs: [] },
      { name: 'val_loss', steps: [1, 3], values: [Math.fround(2), Math.fround(1.4)], epochs: [] },
    ]);
    // Version 0 findings had no count: the schema it was frozen with defaults it to 1.
    expect(run!.findings[0]).toMatchObject({ id: 'loss.nan', count: 1, step: 2 });
    expect(run!.memory?.disposed.tensors).toBe(40);
    expect(notebook.metadata.lastBackend?.attempts).toHaveLength(2);
    // Saved again, it is a current file that reads back the same.
    const saved = serializeNotebook(notebook);
    expect(JSON.parse(saved).formatVersion).toBe(LOSSBOOK_FORMAT_VERSION);
    expect(parseNotebook(saved)).toEqual(notebook);
  });

  it('refuses a damaged old file as a whole, saying it is version 0', () => {
    const document = JSON.parse(fixture('format-v0-training.lossbook')) as { formatVersion: number; cells: Array<{ runs: Array<{ findings: Array<{ severity: string }> }> }> };
    document.cells[1]!.runs[0]!.findings[0]!.severity = 'fatal';
    expect(() => migrateToCurrent(document)).toThrow(/format version 0\) is damaged: cells\.1\.runs\.0\.findings\.0\.severity/);
  });
});
