// Browser mode's file browser (issue 21): what Jupyter's tree shows — the folders and notebooks
// under the server's notebook folder. The page may ask for any path, so every request is
// resolved and refused when it leaves that folder (by `..` or by a symbolic link).
import { readdir, realpath, stat } from 'node:fs/promises';
import { dirname, extname, join, relative, resolve, sep, isAbsolute } from 'node:path';
import type { FolderEntry, FolderListing } from '../shared/api';
import { ApiCallError } from './api-host';

/** A folder with thousands of files must not flood the page; the listing says it was cut. */
const MAX_ENTRIES = 500;
/** Folders nobody opens notebooks from, and that can be huge. */
const SKIPPED_FOLDERS = new Set(['node_modules', '__pycache__']);

function kindOf(name: string): FolderEntry['kind'] | undefined {
  const extension = extname(name).toLowerCase();
  if (extension === '.lossbook') return 'lossbook';
  if (extension === '.ipynb') return 'jupyter';
  if (['.ts', '.mts', '.js', '.mjs'].includes(extension) && !/\.d\.[mc]?ts$/.test(name)) return 'script';
  return undefined;
}

function inside(root: string, path: string): boolean {
  const between = relative(root, path);
  return between === '' || (!between.startsWith('..') && !isAbsolute(between) && between.split(sep)[0] !== '..');
}

export async function listNotebookFolder(rootPath: string, requested?: string): Promise<FolderListing> {
  const root = await realpath(resolve(rootPath));
  const wanted = requested ? resolve(root, requested) : root;
  let folder: string;
  try {
    folder = await realpath(wanted);
    if (!(await stat(folder)).isDirectory()) throw new ApiCallError(`"${wanted}" is not a folder.`, 'not-found');
  } catch (error) {
    if (error instanceof ApiCallError) throw error;
    throw new ApiCallError(`The folder "${wanted}" does not exist.`, 'not-found');
  }
  if (!inside(root, folder)) throw new ApiCallError(`"${wanted}" is outside the notebook folder (${root}); Lossbook's file browser shows only that folder and those below it.`, 'invalid-call');
  const names = (await readdir(folder, { withFileTypes: true })).filter((entry) => !entry.name.startsWith('.'));
  const entries: FolderEntry[] = [];
  for (const entry of names) {
    const kind = entry.isDirectory() ? (SKIPPED_FOLDERS.has(entry.name) ? undefined : 'folder') : entry.isFile() ? kindOf(entry.name) : undefined;
    if (!kind) continue;
    const path = join(folder, entry.name);
    try {
      const info = await stat(path);
      entries.push({ name: entry.name, path, kind, modified: info.mtime.toISOString(), size: info.size });
    } catch {
      // Removed meanwhile.
    }
  }
  // Folders first, then notebooks before scripts, each by name (Jupyter's order, roughly).
  const rank = { folder: 0, lossbook: 1, jupyter: 1, script: 2 } as const;
  entries.sort((a, b) => rank[a.kind] - rank[b.kind] || a.name.localeCompare(b.name));
  return {
    root,
    path: folder,
    ...(folder !== root ? { parent: dirname(folder) } : {}),
    entries: entries.slice(0, MAX_ENTRIES),
    truncated: entries.length > MAX_ENTRIES,
  };
}
