import { mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordingSupervisor } from '../../e2e/helpers';
import type { FolderListing } from '../shared/api';
import { createNotebook } from '../shared/notebook/model';
import { comparisonSnapshot } from '../shared/runs/comparison-snapshot';
import { testComparisonSource } from '../shared/runs/comparison.testing';
import type { HostEvent } from '../shared/protocol';
import { ApiCallError, ApiHost } from './api-host';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'lossbook-api-'));
  process.env.LOSSBOOK_RECOVERY_DIR = join(dir, 'recovery');
  writeFileSync(join(dir, 'nan-loss.ts'), '// @title: Loss becomes NaN\n// @expect: D1, D2\n// %% [markdown]\n// # NaN\n// %%\nconst x = tf.scalar(1);\n');
  writeFileSync(join(dir, 'healthy.ts'), '// @title: Healthy MLP\n// @healthy\n// %%\nconsole.log(1);\n');
  writeFileSync(join(dir, 'healthy.test.ts'), 'test file, not an example');
  writeFileSync(join(dir, 'run-example.ts'), '// Runs gallery notebooks: a helper, not an example.\nexport {};\n');
  const supervisor = new RecordingSupervisor();
  const host = new ApiHost({ supervisor, examplesDir: dir });
  return { dir, supervisor, host };
}

describe('ApiHost', () => {
  it('lists the examples with their titles and expected findings, skipping tests and helpers', async () => {
    const { host } = setup();
    const examples = (await host.handle({ method: 'listExamples' })) as Array<{ name: string; title: string; expected: string[] }>;
    expect(examples.map((example) => example.name)).toEqual(['healthy', 'nan-loss']);
    expect(examples[1]).toMatchObject({ title: 'Loss becomes NaN', expected: ['D1', 'D2'] });
  });

  it('opens an example as a new, unsaved notebook (no path, so saving cannot overwrite the script)', async () => {
    const { host, dir } = setup();
    const opened = (await host.handle({ method: 'openNotebook', params: { path: join(dir, 'nan-loss.ts') } })) as { path?: string; notebook: ReturnType<typeof createNotebook> };
    expect(opened.path).toBeUndefined();
    expect(opened.notebook.metadata.title).toBe('Loss becomes NaN');
    expect(opened.notebook.cells.map((cell) => cell.kind)).toEqual(['markdown', 'code']);
  });

  it('saves and reopens a notebook, and refuses to save over a script', async () => {
    const { host, dir } = setup();
    const notebook = createNotebook('Round trip', '0.1.0');
    notebook.cells[0]!.source = 'const a = 1;';
    const path = join(dir, 'trip.lossbook');
    expect(await host.handle({ method: 'saveNotebook', params: { notebook, path } })).toEqual({ path, diskVersion: expect.any(String) });
    const reopened = (await host.handle({ method: 'openNotebook', params: { path } })) as { path: string; notebook: typeof notebook };
    expect(reopened.path).toBe(path);
    expect(reopened.notebook.cells[0]!.source).toBe('const a = 1;');
    await expect(host.handle({ method: 'saveNotebook', params: { notebook, path: join(dir, 'nan-loss.ts') } })).rejects.toThrow(/\.lossbook/);
    expect(readFileSync(join(dir, 'nan-loss.ts'), 'utf8')).toContain('@title');
  });

  it('does not save over a file another program changed since it was opened or saved, unless told to', async () => {
    const { host, dir } = setup();
    const path = join(dir, 'shared.lossbook');
    const notebook = createNotebook('Shared', '0.1.0');
    const first = (await host.handle({ method: 'saveNotebook', params: { notebook, path } })) as { diskVersion: string };
    const opened = (await host.handle({ method: 'openNotebook', params: { path } })) as { diskVersion: string };
    expect(opened.diskVersion).toBe(first.diskVersion);
    // Saving over the version it knows: fine, and the answer is the new version.
    notebook.cells[0]!.source = 'const mine = 1;';
    const second = (await host.handle({ method: 'saveNotebook', params: { notebook, path, expected: opened.diskVersion } })) as { diskVersion: string };
    expect(second.diskVersion).not.toBe(opened.diskVersion);
    // Another program writes the file (as `lossbook runs compare --into` would).
    const theirs = readFileSync(path, 'utf8').replace('const mine = 1;', 'const theirs = 2;');
    writeFileSync(path, `${theirs}\n`);
    notebook.cells[0]!.source = 'const mine = 3;';
    const refused = await host.handle({ method: 'saveNotebook', params: { notebook, path, expected: second.diskVersion } }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiCallError);
    expect(refused).toMatchObject({ code: 'changed-on-disk', message: expect.stringMatching(/"shared\.lossbook" changed on disk .* Nothing was written\./) });
    expect(readFileSync(path, 'utf8')).toBe(`${theirs}\n`);
    // The user chose to overwrite: written.
    await host.handle({ method: 'saveNotebook', params: { notebook, path, expected: second.diskVersion, overwrite: true } });
    expect(readFileSync(path, 'utf8')).toContain('const mine = 3;');
  });

  it('saves and reopens a notebook with a run comparison, and refuses one past its bounds without writing (issue 20)', async () => {
    const { host, dir } = setup();
    const notebook = { ...createNotebook('Compared', '0.1.0'), comparisons: [comparisonSnapshot(testComparisonSource(), { id: 'kept' })] };
    const path = join(dir, 'compared.lossbook');
    expect(await host.handle({ method: 'saveNotebook', params: { notebook, path } })).toEqual({ path, diskVersion: expect.any(String) });
    const reopened = (await host.handle({ method: 'openNotebook', params: { path } })) as { notebook: typeof notebook };
    expect(reopened.notebook.comparisons.map((snapshot) => [snapshot.id, snapshot.runs.a.number, snapshot.runs.b.number])).toEqual([['kept', 12, 13]]);
    const tooLong = structuredClone(notebook);
    tooLong.comparisons[0]!.comparison.code.source = Array.from({ length: 500 }, (_, index) => ({ kind: 'added' as const, text: `line ${index}` }));
    const refusedPath = join(dir, 'refused.lossbook');
    await expect(host.handle({ method: 'saveNotebook', params: { notebook: tooLong, path: refusedPath } })).rejects.toThrow(/not valid: comparisons\.0\.comparison\.code\.source/);
    expect(() => readFileSync(refusedPath)).toThrow(/ENOENT/);
  });

  it('offers untitled autosaves to other pages (not their own), restores and deletes them, and nothing outside the recovery folder', async () => {
    const { host, dir } = setup();
    const notebook = createNotebook('Unsaved experiment', '0.1.0');
    notebook.cells[0]!.source = 'const lost = false;';
    const written = (await host.handle({ method: 'autosave', params: { notebook, session: 'page-a' } })) as { path: string };
    expect(written.path).toContain(join(dir, 'recovery'));
    expect(await host.handle({ method: 'listRecoveries', params: { session: 'page-a' } })).toEqual([]);
    const offered = (await host.handle({ method: 'listRecoveries', params: { session: 'page-b' } })) as Array<{ path: string; title: string; cells: number }>;
    expect(offered).toEqual([expect.objectContaining({ path: written.path, title: 'Unsaved experiment', cells: 1 })]);
    const restored = (await host.handle({ method: 'openRecovery', params: { path: written.path } })) as { path?: string; notebook: typeof notebook };
    expect(restored.path).toBeUndefined();
    expect(restored.notebook.cells[0]!.source).toBe('const lost = false;');
    await host.handle({ method: 'discardRecovery', params: { path: written.path } });
    expect(await host.handle({ method: 'listRecoveries', params: { session: 'page-b' } })).toEqual([]);
    // Only untitled copies in the recovery folder: a notebook elsewhere is neither read nor deleted.
    const elsewhere = join(dir, 'untitled-1-x.recovery.lossbook');
    writeFileSync(elsewhere, readFileSync(join(dir, 'nan-loss.ts')));
    await expect(host.handle({ method: 'openRecovery', params: { path: elsewhere } })).rejects.toThrow(/not an autosaved copy/);
    await expect(host.handle({ method: 'discardRecovery', params: { path: elsewhere } })).rejects.toThrow(/not an autosaved copy/);
    expect(readFileSync(elsewhere, 'utf8')).toContain('@title');
    await expect(host.handle({ method: 'autosave', params: { notebook, session: '../../etc' } })).rejects.toThrow(/invalid request/i);
  });

  it('does not offer the autosaves of sessions the shell reports live (pages still open), whoever asks', async () => {
    const { dir } = setup();
    const live = new Set(['page-open']);
    const host = new ApiHost({ supervisor: new RecordingSupervisor(), examplesDir: dir, liveSessions: () => live });
    await host.handle({ method: 'autosave', params: { notebook: createNotebook('Open tab', '0.1.0'), session: 'page-open' } });
    await host.handle({ method: 'autosave', params: { notebook: createNotebook('Closed tab', '0.1.0'), session: 'page-closed' } });
    const titles = async (session?: string) => ((await host.handle({ method: 'listRecoveries', params: session ? { session } : {} })) as Array<{ title: string }>).map((entry) => entry.title);
    expect(await titles('page-new')).toEqual(['Closed tab']);
    expect(await titles()).toEqual(['Closed tab']);
    live.delete('page-open');
    expect((await titles('page-new')).sort()).toEqual(['Closed tab', 'Open tab']);
  });

  it('opens a Jupyter notebook as a new, unsaved notebook and never saves over it', async () => {
    const { host, dir } = setup();
    const path = join(dir, 'tslab.ipynb');
    writeFileSync(path, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } }, cells: [{ id: 'one', cell_type: 'code', metadata: {}, source: 'const x = 1;', outputs: [], execution_count: null }] }));
    const opened = (await host.handle({ method: 'openNotebook', params: { path } })) as { path?: string; notebook: ReturnType<typeof createNotebook> };
    expect(opened.path).toBeUndefined();
    expect(opened.notebook.metadata.title).toBe('tslab');
    expect(opened.notebook.cells[0]).toMatchObject({ id: 'one', source: 'const x = 1;', language: 'typescript' });
    await expect(host.handle({ method: 'saveNotebook', params: { notebook: opened.notebook, path } })).rejects.toThrow(/\.lossbook.*--ipynb/);
  });

  it('lists the notebook folder for the browser-mode file browser, and never a folder outside it', async () => {
    const { dir, supervisor } = setup();
    const root = join(dir, 'notebooks');
    mkdirSync(join(root, 'runs', 'node_modules'), { recursive: true });
    mkdirSync(join(root, 'node_modules'));
    for (const name of ['b.lossbook', 'a.ipynb', 'train.ts', 'types.d.ts', 'notes.txt', '.secret.lossbook']) writeFileSync(join(root, name), '{}');
    symlinkSync(dir, join(root, 'escape'));
    const host = new ApiHost({ supervisor, notebookRoot: root });
    const top = (await host.handle({ method: 'listFolder', params: {} })) as FolderListing;
    expect(top.path).toBe(realpathSync(root));
    expect(top.parent).toBeUndefined();
    // Hidden files, node_modules, type declarations, other files and symbolic links are not listed.
    expect(top.entries.map((entry) => [entry.name, entry.kind])).toEqual([
      ['runs', 'folder'],
      ['a.ipynb', 'jupyter'],
      ['b.lossbook', 'lossbook'],
      ['train.ts', 'script'],
    ]);
    const runs = (await host.handle({ method: 'listFolder', params: { path: join(root, 'runs') } })) as FolderListing;
    expect(runs.parent).toBe(realpathSync(root));
    expect(runs.entries).toEqual([]);
    await expect(host.handle({ method: 'listFolder', params: { path: join(root, '..') } })).rejects.toThrow(/outside the notebook folder/);
    await expect(host.handle({ method: 'listFolder', params: { path: join(root, 'escape') } })).rejects.toThrow(/outside the notebook folder/);
    await expect(host.handle({ method: 'listFolder', params: { path: join(root, 'missing') } })).rejects.toThrow(/does not exist/);
  });

  it('rejects malformed calls and notebooks before anything runs', async () => {
    const { host, supervisor } = setup();
    await expect(host.handle({ method: 'format-disk' })).rejects.toBeInstanceOf(ApiCallError);
    await expect(host.handle({ method: 'execute', params: { cellId: 'c', code: 42 } })).rejects.toThrow(/invalid request/i);
    await expect(host.handle({ method: 'saveNotebook', params: { notebook: { cells: 'no' }, path: '/tmp/x.lossbook' } })).rejects.toThrow(/not valid/);
    expect(supervisor.calls.filter((call) => call.method === 'execute')).toEqual([]);
  });

  it('passes execute, interrupt, restart and free memory to the kernel supervisor', async () => {
    const { host, supervisor } = setup();
    const result = await host.handle({ method: 'execute', params: { cellId: 'cell-1', code: '1 + 1' } });
    expect(result).toEqual({ runId: 'run-1' });
    await host.handle({ method: 'interrupt' });
    await host.handle({ method: 'restart' });
    await host.handle({ method: 'freeMemory' });
    await host.handle({ method: 'setBackend', params: 'wasm' });
    expect(supervisor.calls.map((call) => call.method)).toEqual(['execute', 'interrupt', 'restart', 'freeMemory', 'setBackend']);
    expect(supervisor.calls[0]!.args[0]).toMatchObject({ cellId: 'cell-1', code: '1 + 1', language: 'typescript' });
  });

  it('exports the report as HTML when no path or dialog is given, or to the chosen path', async () => {
    const { host, dir } = setup();
    const notebook = createNotebook('Report me', '0.1.0');
    const inline = (await host.handle({ method: 'exportReport', params: { notebook } })) as { html: string };
    expect(inline.html).toContain('Report me');
    const path = join(dir, 'report.html');
    expect(await host.handle({ method: 'exportReport', params: { notebook, path } })).toEqual({ path });
    expect(readFileSync(path, 'utf8')).toContain('Report me');
  });

  it('uses native dialogs where they exist and returns undefined when the user cancels', async () => {
    const supervisor = new RecordingSupervisor();
    const host = new ApiHost({ supervisor, dialogs: { chooseOpenPath: async () => undefined, chooseSavePath: async () => undefined } });
    expect(await host.handle({ method: 'openNotebook', params: {} })).toBeUndefined();
    expect(await host.handle({ method: 'saveNotebook', params: { notebook: createNotebook('x', '0.1.0') } })).toBeUndefined();
  });

  it('forwards kernel events until disposed', () => {
    const { host, supervisor } = setup();
    const seen: HostEvent[] = [];
    host.onEvent((event) => seen.push(event));
    supervisor.emit({ type: 'kernel-state', state: 'busy' });
    host.dispose();
    supervisor.emit({ type: 'kernel-state', state: 'idle' });
    expect(seen).toEqual([{ type: 'kernel-state', state: 'busy' }]);
  });
});
