import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, open, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOSSBOOK_FORMAT_VERSION, serializeNotebook } from '../shared/notebook/format';
import { createNotebook, type Notebook } from '../shared/notebook/model';
import { discardRecovery, findRecovery, NotebookFileError, readNotebookFile, recoveryPathFor, saveNotebookFile, writeRecoveryFile, type NotebookFileErrorReason } from './files';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'lossbook-files-'));
  process.env.LOSSBOOK_RECOVERY_DIR = join(folder, 'recovery');
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

function notebookWithPoints(title: string, points: number): Notebook {
  const notebook = createNotebook(title, '0.1.0');
  const cell = notebook.cells[0]!;
  cell.source = 'await model.fit(xs, ys, { epochs: 3 })';
  cell.runs.push({
    runId: 'run-1',
    cellId: cell.id,
    executionCount: 1,
    startedAt: 1,
    status: 'ok',
    series: [{ name: 'loss', steps: Array.from({ length: points }, (_, i) => i), values: Array.from({ length: points }, (_, i) => Math.fround(1 / (i + 1))), epochs: [] }],
    findings: [],
    artifacts: [],
  });
  return notebook;
}

async function fingerprint(path: string): Promise<{ size: number; mtimeMs: number; hash: string }> {
  const info = await stat(path);
  const hash = info.size < 50_000_000 ? createHash('sha256').update(await readFile(path)).digest('hex') : 'big';
  return { size: info.size, mtimeMs: info.mtimeMs, hash };
}

async function expectRefused(path: string, reason: NotebookFileErrorReason): Promise<NotebookFileError> {
  const before = await fingerprint(path).catch(() => undefined);
  const error = await readNotebookFile(path).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(NotebookFileError);
  expect((error as NotebookFileError).reason).toBe(reason);
  expect((error as NotebookFileError).message).toContain('Cannot open');
  // Opening never modifies the file.
  if (before) expect(await fingerprint(path)).toEqual(before);
  return error as NotebookFileError;
}

describe('notebook files', () => {
  it('saves and reopens a notebook, leaving no temp files behind', async () => {
    const path = join(folder, 'round.lossbook');
    const notebook = notebookWithPoints('Round trip', 500);
    await saveNotebookFile(path, notebook);
    const reopened = await readNotebookFile(path);
    expect(reopened.cells).toEqual(notebook.cells);
    expect(reopened.metadata.title).toBe('Round trip');
    expect(JSON.parse(await readFile(path, 'utf8')).formatVersion).toBe(LOSSBOOK_FORMAT_VERSION);
    expect((await readdir(folder)).filter((name) => name.startsWith('round'))).toEqual(['round.lossbook']);
  });

  it('refuses a 2 GB file by its size without reading it', async () => {
    const path = join(folder, 'huge.lossbook');
    const handle = await open(path, 'w');
    await handle.truncate(2 * 1024 ** 3); // sparse: no disk used
    await handle.close();
    const error = await expectRefused(path, 'too-large');
    expect(error.message).toMatch(/2\.0 GB/);
    await rm(path);
  });

  it('refuses truncated JSON, non-JSON, binary, wrong types and newer versions — the file untouched', async () => {
    const good = serializeNotebook(notebookWithPoints('Good', 50));
    const cases: Array<[string, string | Buffer, NotebookFileErrorReason, RegExp]> = [
      ['truncated.lossbook', good.slice(0, Math.floor(good.length / 2)), 'truncated', /truncated/],
      ['text.lossbook', 'these are my notes', 'not-json', /not JSON/],
      ['binary.lossbook', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 0xff, 0xfe]), 'not-json', /binary|not JSON/],
      ['types.lossbook', good.replace('"cells": [', '"cells": "oops", "x": ['), 'invalid', /cells: Invalid input/],
      ['wrongtypes.lossbook', JSON.stringify({ ...JSON.parse(good), cells: [{ id: 5 }] }), 'invalid', /cells\.0/],
      ['newer.lossbook', JSON.stringify({ ...JSON.parse(good), formatVersion: 99 }), 'newer-version', /format version 99/],
      ['other.json', '{"name": "package"}', 'not-a-notebook', /not a Lossbook notebook/],
    ];
    for (const [name, content, reason, message] of cases) {
      const path = join(folder, name);
      await writeFile(path, content);
      const error = await expectRefused(path, reason);
      expect(error.message).toMatch(message);
    }
    await expectRefused(join(folder, 'missing.lossbook'), 'not-found');
    await expectRefused(folder, 'not-a-file');
  });

  it('opens a percent-format script as cells', async () => {
    const path = join(folder, 'script.ts');
    await writeFile(path, '// @title: Tiny\n// %% [markdown]\n// # Hello\n// %%\nconst x = 1;\n');
    const notebook = await readNotebookFile(path);
    expect(notebook.metadata.title).toBe('Tiny');
    expect(notebook.cells.map((cell) => [cell.kind, cell.source])).toEqual([
      ['markdown', '# Hello'],
      ['code', 'const x = 1;'],
    ]);
  });

  it('a save killed at any moment leaves either the old or the new file, never a broken one', async () => {
    const path = join(folder, 'crash.lossbook');
    await saveNotebookFile(path, notebookWithPoints('Old', 10));
    const module = new URL('./files.ts', import.meta.url).pathname;
    const saver = `
      import { saveNotebookFile } from ${JSON.stringify(module)};
      const points = 400000;
      const notebook = { metadata: { title: 'New', created: 'x', modified: 'x', lossbookVersion: '0.1.0' }, cells: [{ id: 'c', kind: 'code', source: '', outputs: [], dismissed: [], runs: [{ runId: 'r', cellId: 'c', executionCount: 1, startedAt: 1, status: 'ok', findings: [], artifacts: [],
        series: [{ name: 'loss', steps: Array.from({ length: points }, (_, i) => i * 3 + (i % 7)), values: Array.from({ length: points }, Math.random), epochs: Array.from({ length: points }, Math.random) }] }] }] };
      process.stdout.write('ready\\n');
      for (;;) await saveNotebookFile(${JSON.stringify(path)}, notebook);
    `;
    for (let attempt = 0; attempt < 4; attempt++) {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', saver], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolveReady) => child.stdout.once('data', () => resolveReady()));
      await new Promise((resolveDelay) => setTimeout(resolveDelay, 150 + attempt * 170));
      child.kill('SIGKILL');
      await new Promise((resolveExit) => child.once('exit', resolveExit));
      const reopened = await readNotebookFile(path);
      expect(['Old', 'New']).toContain(reopened.metadata.title);
    }
  });

  it('refuses to save an invalid notebook and keeps the previous file', async () => {
    const path = join(folder, 'keep.lossbook');
    await saveNotebookFile(path, notebookWithPoints('Keep', 5));
    const before = await fingerprint(path);
    const broken = notebookWithPoints('Broken', 5) as unknown as { cells: Array<{ kind: string }> };
    broken.cells[0]!.kind = 'poem';
    await expect(saveNotebookFile(path, broken as unknown as Notebook)).rejects.toMatchObject({ reason: 'invalid' });
    expect(await fingerprint(path)).toEqual(before);
  });
});

describe('recovery', () => {
  it('offers a recovery copy newer than the file, and drops it after a save', async () => {
    const path = join(folder, 'recover.lossbook');
    await saveNotebookFile(path, notebookWithPoints('Saved', 5));
    expect(await findRecovery(path)).toBeUndefined();
    const edited = notebookWithPoints('Edited but not saved', 5);
    const recoveryPath = await writeRecoveryFile(edited, path);
    expect(recoveryPath).toBe(recoveryPathFor(path));
    // The recovery copy is newer than the file (mtimes can tie on a fast disk: set them apart).
    const now = Date.now() / 1000;
    await utimes(path, now - 60, now - 60);
    const offered = await findRecovery(path);
    expect(offered?.notebook.metadata.title).toBe('Edited but not saved');
    expect(offered?.path).toBe(recoveryPath);
    await saveNotebookFile(path, offered!.notebook);
    expect(await findRecovery(path)).toBeUndefined();
    await expect(stat(recoveryPath)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('does not offer a recovery copy older than the file, or a damaged one', async () => {
    const path = join(folder, 'older.lossbook');
    await saveNotebookFile(path, notebookWithPoints('Saved', 5));
    const recoveryPath = await writeRecoveryFile(notebookWithPoints('Stale', 5), path);
    const now = Date.now() / 1000;
    await utimes(recoveryPath, now - 60, now - 60);
    expect(await findRecovery(path)).toBeUndefined();
    await writeFile(recoveryPath, '{"format": "lossbook", "formatVersion": 1, "cel');
    await utimes(path, now - 120, now - 120);
    expect(await findRecovery(path)).toBeUndefined();
    await discardRecovery(path);
    await discardRecovery(path); // twice is fine
  });

  it('keeps recovery copies of unsaved notebooks in the recovery folder', async () => {
    const recoveryPath = await writeRecoveryFile(notebookWithPoints('Untitled', 3));
    expect(recoveryPath.startsWith(process.env.LOSSBOOK_RECOVERY_DIR!)).toBe(true);
    expect((await readNotebookFile(recoveryPath)).metadata.title).toBe('Untitled');
  });
});
