// Issue 17: invalid UTF-8 was silently repaired (U+FFFD) although files are "refused, never
// repaired" (docs/cli.md). Now it is refused with the offset of the first bad byte.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeNotebook } from '../shared/notebook/format';
import { createNotebook } from '../shared/notebook/model';
import { firstInvalidUtf8, NotebookFileError, readNotebookFile } from './files';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'lossbook-utf8-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

function notebookBytes(source: string): Buffer {
  const notebook = createNotebook('utf8');
  notebook.cells[0]!.source = source;
  return Buffer.from(serializeNotebook(notebook), 'utf8');
}

describe('UTF-8 (issue 17)', () => {
  it('refuses a notebook with an invalid byte, naming where, and leaves the file as it was', async () => {
    const bytes = notebookBytes('const label = "MARK";');
    const at = bytes.indexOf('MARK');
    bytes[at] = 0xff;
    const path = join(folder, 'latin1.lossbook');
    await writeFile(path, bytes);
    const error = await readNotebookFile(path).then(
      () => undefined,
      (failure: unknown) => failure as NotebookFileError,
    );
    expect(error).toBeInstanceOf(NotebookFileError);
    expect(error?.reason).toBe('not-utf8');
    expect(error?.message).toContain(`byte ${at} of ${bytes.length}`);
    expect(Buffer.compare(await readFile(path), bytes)).toBe(0);
  });

  it('opens valid UTF-8 of every width, with or without a byte order mark', async () => {
    const source = 'π ≈ 3.14 — 損失 📉';
    const path = join(folder, 'wide.lossbook');
    await writeFile(path, notebookBytes(source));
    expect((await readNotebookFile(path)).cells[0]!.source).toBe(source);
    const bom = join(folder, 'bom.lossbook');
    await writeFile(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), notebookBytes(source)]));
    expect((await readNotebookFile(bom)).cells[0]!.source).toBe(source);
  });

  it('finds the first invalid byte: truncated sequences, overlong forms, surrogates', () => {
    expect(firstInvalidUtf8(Buffer.from('abc'))).toBe(3);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xe2, 0x82]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0xaf]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0);
    expect(firstInvalidUtf8(Buffer.from('📉', 'utf8'))).toBe(4);
  });
});
