// Jupyter interop: a tslab notebook opens as cells with static outputs, what Lossbook writes is
// valid against the official nbformat v4.5 JSON schema (vendored in resources/nbformat), and a
// notebook survives .lossbook → .ipynb → Lossbook. Untrusted input is refused with reasons.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { createCell, createNotebook, type Notebook } from './model';
import { NotebookFormatError } from './format';
import { parseIpynb, serializeIpynb, splitLines, toIpynb } from './ipynb';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const tslabNotebook = readFileSync(`${root}examples/jupyter/linear-regression.tslab.ipynb`, 'utf8');

/** The official schema; draft-04 keywords it uses are read the same by Ajv's default draft. */
function nbformatValidator() {
  const schema = JSON.parse(readFileSync(`${root}resources/nbformat/nbformat.v4.5.schema.json`, 'utf8')) as Record<string, unknown>;
  delete schema.$schema;
  return new Ajv({ strict: false, allErrors: true }).compile(schema);
}

function reason(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof NotebookFormatError) return error.reason;
    throw error;
  }
  return undefined;
}

function sampleNotebook(): Notebook {
  const notebook = createNotebook('Overfitting study', '0.1.0');
  const markdown = createCell('markdown', '# Study\n\nTrain a *large* MLP on 40 samples.');
  const code = createCell('code', 'const model = tf.sequential();\nconsole.log("built")\n');
  code.executionCount = 7;
  code.outputs = [
    { type: 'stream', name: 'stdout', text: 'built\nline two\n' },
    { type: 'display', value: { kind: 'json', json: { epochs: 3, loss: [0.5, 0.25] } } },
    { type: 'display', value: { kind: 'text', text: '42' } },
    { type: 'error', error: { name: 'RangeError', message: 'too deep', stack: 'RangeError: too deep\n    at cell:2:1', line: 2, phase: 'runtime' } },
  ];
  const script = createCell('code', 'console.log(1)');
  script.language = 'javascript';
  script.collapsed = true;
  notebook.cells = [markdown, code, script, createCell('code')];
  return notebook;
}

describe('.ipynb', () => {
  it('opens a tslab notebook: markdown and code cells, TypeScript, text outputs kept, an image dropped', () => {
    const notebook = parseIpynb(tslabNotebook, 'linear-regression.tslab');
    expect(notebook.metadata.title).toBe('linear-regression.tslab');
    expect(notebook.cells.map((cell) => cell.kind)).toEqual(['markdown', 'code', 'code', 'code']);
    expect(notebook.cells.map((cell) => cell.id)).toEqual(['a1b2c3d4', 'e5f6a7b8', 'c9d0e1f2', 'a3b4c5d6']);
    expect(notebook.cells[0]!.source).toMatch(/^# Linear regression in tslab\n\nFits/);
    expect(notebook.cells[1]!.source).toContain("import * as tf from '@tensorflow/tfjs-node';\n\nconst xs");
    expect(notebook.cells.slice(1).every((cell) => cell.language === 'typescript')).toBe(true);
    expect(notebook.cells[2]!.outputs).toEqual([{ type: 'stream', name: 'stdout', text: 'final loss 0.0213\n' }]);
    expect(notebook.cells[3]!.outputs).toEqual([{ type: 'display', value: { kind: 'text', text: '[ 18.93 ]' } }]);
    expect(notebook.cells[3]!.executionCount).toBe(3);
    // Static outputs: no runs, so no charts or findings are invented.
    expect(notebook.cells.every((cell) => cell.runs.length === 0)).toBe(true);
  });

  it('reads JavaScript kernels, older v4 minors without ids, and raw cells as markdown', () => {
    const old = { nbformat: 4, nbformat_minor: 2, metadata: { kernelspec: { name: 'javascript', display_name: 'JavaScript (Node.js)', language: 'javascript' } }, cells: [
      { cell_type: 'code', metadata: {}, source: ['let a = 1;\n', 'a + 1'], outputs: [], execution_count: null },
      { cell_type: 'code', metadata: {}, source: 'a', outputs: [{ output_type: 'error', ename: 'ReferenceError', evalue: 'b is not defined', traceback: ['\u001b[31mReferenceError\u001b[0m: b is not defined'] }], execution_count: 4 },
      { cell_type: 'raw', metadata: {}, source: 'raw text' },
    ] };
    const notebook = parseIpynb(JSON.stringify(old));
    expect(notebook.cells.map((cell) => [cell.kind, cell.language])).toEqual([['code', 'javascript'], ['code', 'javascript'], ['markdown', undefined]]);
    expect(notebook.cells[0]!.source).toBe('let a = 1;\na + 1');
    expect(new Set(notebook.cells.map((cell) => cell.id)).size).toBe(3);
    expect(notebook.cells[1]!.outputs[0]).toMatchObject({ type: 'error', error: { name: 'ReferenceError', message: 'b is not defined', stack: 'ReferenceError: b is not defined' } });
  });

  it('refuses what it cannot run or read, saying why', () => {
    const python = JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } }, cells: [] });
    expect(() => parseIpynb(python)).toThrow(/Python 3 kernel.*JavaScript and TypeScript/);
    expect(reason(() => parseIpynb('{"nbformat": 3, "worksheets": []}'))).toBe('unknown-version');
    expect(reason(() => parseIpynb('{"cells": []}'))).toBe('not-a-notebook');
    expect(reason(() => parseIpynb('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "source": 5}]}'))).toBe('invalid');
    expect(reason(() => parseIpynb(tslabNotebook.slice(0, 200)))).toBe('not-json');
    expect(reason(() => parseIpynb('"' + 'x'.repeat(300 * 1024 * 1024) + '"'))).toBe('too-large');
    // 10,000 nested arrays in an output's data: refused by depth before anything walks it.
    const deep = `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "metadata": {}, "source": "", "outputs": [{"output_type": "execute_result", "metadata": {}, "data": {"application/json": ${'['.repeat(10_000)}${']'.repeat(10_000)}}}]}]}`;
    expect(reason(() => parseIpynb(deep))).toBe('too-deep');
  });

  it('writes nbformat 4.5 that the official schema accepts, for TypeScript and JavaScript notebooks', () => {
    const validate = nbformatValidator();
    const document = toIpynb(sampleNotebook());
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    expect(document.metadata).toMatchObject({ kernelspec: { name: 'tslab', language: 'typescript' } });
    const javascript = createNotebook('js', '0.1.0');
    javascript.cells[0]!.language = 'javascript';
    const jsDocument = toIpynb(javascript);
    expect(validate(jsDocument), JSON.stringify(validate.errors)).toBe(true);
    expect(jsDocument.metadata).toMatchObject({ kernelspec: { language: 'javascript' } });
    // The schema is not a rubber stamp: a document without cell ids is refused by it.
    const broken = JSON.parse(JSON.stringify(document)) as { cells: Array<{ id?: string }> };
    delete broken.cells[0]!.id;
    expect(validate(broken)).toBe(false);
    // A tslab notebook read and written again is valid too.
    expect(validate(toIpynb(parseIpynb(tslabNotebook)))).toBe(true);
  });

  it('round-trips a notebook through .ipynb: cells, sources, languages, counts and outputs', () => {
    const original = sampleNotebook();
    const back = parseIpynb(serializeIpynb(original));
    expect(back.metadata.title).toBe('Overfitting study');
    expect(back.cells.map((cell) => ({ id: cell.id, kind: cell.kind, source: cell.source, language: cell.language, executionCount: cell.executionCount ?? null, outputs: cell.outputs, collapsed: cell.collapsed ?? false }))).toEqual(
      original.cells.map((cell) => ({ id: cell.id, kind: cell.kind, source: cell.source, language: cell.language, executionCount: cell.executionCount ?? null, outputs: cell.outputs.map((output) => (output.type === 'error' ? { ...output, error: { name: output.error.name, message: output.error.message, stack: output.error.stack, phase: 'runtime' } } : output)), collapsed: cell.collapsed ?? false })),
    );
  });

  it('splits sources into lines the way Jupyter stores them', () => {
    expect(splitLines('a\nb\n')).toEqual(['a\n', 'b\n']);
    expect(splitLines('a\nb')).toEqual(['a\n', 'b']);
    expect(splitLines('')).toEqual([]);
  });
});
