import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileStorage, isNotebookPath, notebookPathsFromArgv, RecentDocuments } from './documents';

describe('notebookPathsFromArgv', () => {
  it('picks .lossbook arguments, skips flags and the executable, resolves against the working folder', () => {
    expect(
      notebookPathsFromArgv(['/opt/Lossbook/lossbook', '--enable-features=X', 'runs/a.lossbook', '/abs/B.LOSSBOOK', 'readme.md', '-x', 'runs/a.lossbook'], '/home/u'),
    ).toEqual(['/home/u/runs/a.lossbook', '/abs/B.LOSSBOOK']);
  });

  it('reads `electron . file` (development) the same way', () => {
    expect(notebookPathsFromArgv(['/node_modules/electron/dist/electron', '.', 'x.lossbook'], '/w')).toEqual(['/w/x.lossbook']);
  });

  it('ignores a file literally named .lossbook and a first argument that is the executable itself', () => {
    expect(isNotebookPath('.lossbook')).toBe(false);
    expect(notebookPathsFromArgv(['/tmp/weird.lossbook'], '/')).toEqual([]);
  });
});

describe('RecentDocuments', () => {
  it('keeps the newest first, without duplicates, at most the limit, and persists', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'lossbook-recent-'));
    const file = join(folder, 'nested', 'recent.json');
    const recent = new RecentDocuments(fileStorage(file), 3);
    for (const path of ['/a.lossbook', '/b.lossbook', '/c.lossbook', '/a.lossbook', '/d.lossbook']) await recent.add(path);
    expect(recent.list()).toEqual(['/d.lossbook', '/a.lossbook', '/c.lossbook']);
    const reloaded = new RecentDocuments(fileStorage(file), 3);
    await reloaded.load();
    expect(reloaded.list()).toEqual(['/d.lossbook', '/a.lossbook', '/c.lossbook']);
    await reloaded.remove('/a.lossbook');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1, paths: ['/d.lossbook', '/c.lossbook'] });
    let changes = 0;
    reloaded.onChange(() => changes++);
    await reloaded.clear();
    expect(reloaded.list()).toEqual([]);
    expect(changes).toBe(1);
  });

  it('starts empty from a damaged or foreign file instead of failing', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'lossbook-recent-'));
    const file = join(folder, 'recent.json');
    writeFileSync(file, '{ not json');
    const damaged = new RecentDocuments(fileStorage(file));
    await damaged.load();
    expect(damaged.list()).toEqual([]);
    writeFileSync(file, JSON.stringify({ version: 1, paths: ['relative.lossbook', '/ok.lossbook'] }));
    const filtered = new RecentDocuments(fileStorage(file));
    await filtered.load();
    expect(filtered.list()).toEqual(['/ok.lossbook']);
  });
});
