// Issue 17: untrusted notebooks are parsed outside the asking process's heap. The reader worker
// returns the same validated notebook as an in-process read, refuses hostile files with the same
// reasons, and a read that exhausts its heap or its time ends as a refusal — this process lives on.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeNotebook } from '../shared/notebook/format';
import { createNotebook } from '../shared/notebook/model';
import { NotebookFileError, readNotebookFile } from './files';
import { deepArtifact, fixturePath, memoryBomb } from './hostile-notebooks.testing';
import { NotebookReader, readNotebookFileIsolated } from './isolated-reader';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'lossbook-isolated-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function refusal(promise: Promise<unknown>): Promise<NotebookFileError> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(NotebookFileError);
  return error as NotebookFileError;
}

describe('reading notebooks in a worker thread (issue 17)', () => {
  it('returns exactly what an in-process read returns', async () => {
    const path = fixturePath('healthy-binary.lossbook');
    expect(await readNotebookFileIsolated(path)).toEqual(await readNotebookFile(path));
  });

  it('refuses hostile files with the reader’s reason and message', async () => {
    const bomb = join(folder, 'bomb.lossbook');
    await writeFile(bomb, memoryBomb());
    const deep = join(folder, 'deep.lossbook');
    await writeFile(deep, deepArtifact(10_000));
    expect((await refusal(readNotebookFileIsolated(bomb))).message).toMatch(/epochs for \d+ values/);
    const tooDeep = await refusal(readNotebookFileIsolated(deep));
    expect(tooDeep.reason).toBe('too-deep');
    expect(tooDeep.path).toBe(deep);
    expect((await refusal(readNotebookFileIsolated(join(folder, 'missing.lossbook')))).reason).toBe('not-found');
  });

  it('a read that needs more memory than its worker may use is refused; this process is unharmed', async () => {
    // 1M points is a valid notebook (about 15 MB of text) but far more than 16 MB of heap holds decoded.
    const notebook = createNotebook('large');
    const points = 1_000_000;
    const steps = Array.from({ length: points }, (_, index) => index);
    const values = Array.from({ length: points }, (_, index) => Math.sin(index));
    notebook.cells[0]!.runs.push({
      runId: 'r', cellId: notebook.cells[0]!.id, executionCount: 1, startedAt: 0, status: 'ok',
      series: [{ name: 'loss', steps, values, epochs: [] }], findings: [], artifacts: [],
    });
    const large = join(folder, 'large.lossbook');
    await writeFile(large, serializeNotebook(notebook));
    const small = new NotebookReader({ maxHeapMb: 16 });
    const error = await refusal(small.read(large));
    expect(error.reason).toBe('too-large');
    expect(error.message).toMatch(/needed more than 16 MB of memory/);
    // The shared reader is untouched, and a reader that ran out of memory starts afresh.
    expect((await readNotebookFileIsolated(fixturePath('exploding-loss.lossbook'))).cells.length).toBeGreaterThan(0);
    await expect(small.read(fixturePath('exploding-loss.lossbook'))).resolves.toMatchObject({ metadata: expect.any(Object) });
    small.dispose();
  });

  it('a read that takes too long is stopped and refused', async () => {
    const impatient = new NotebookReader({ timeoutMs: 1 });
    const error = await refusal(impatient.read(fixturePath('healthy-binary.lossbook')));
    expect(error.message).toMatch(/took longer than 1 s/);
    impatient.dispose();
  });
});
