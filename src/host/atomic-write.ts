// Atomic saves that leave nothing behind (issue 17). A save writes a temp file beside the target,
// fsyncs it, renames it over the target and then fsyncs the folder, so a finished save survives
// a power loss (the rename lives in the folder's entry, which write-file-atomic never synced).
// A save killed midway leaves its temp file: the temp's name carries the saving process's pid,
// so the next save or open beside it removes temps whose process is gone — only ours, by name.
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { processIsAlive } from './process-alive';

/** `.<file>.<pid>-<random>.saving`: hidden while it exists, and recognizably ours. */
const TEMP_SUFFIX = '.saving';
/** write-file-atomic's temp names (`<file>.<decimal hash>`), which earlier versions left behind. */
const LEGACY_AGE_MS = 10 * 60 * 1000;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function tempPathFor(path: string, pid = process.pid): string {
  return join(dirname(path), `.${basename(path)}.${pid}-${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
}

/**
 * Remove temp files that interrupted saves of `path` left beside it: ours whose process is gone
 * (or is this process, from an earlier save that failed before it could clean up), and
 * write-file-atomic's older than ten minutes. Never anything else in the folder. Best effort.
 */
export async function removeStaleSaveTemps(path: string, now = Date.now()): Promise<string[]> {
  const name = basename(path);
  const ours = new RegExp(`^\\.${escapeRegExp(name)}\\.(\\d+)-[0-9a-f]{12}${escapeRegExp(TEMP_SUFFIX)}$`);
  const legacy = new RegExp(`^${escapeRegExp(name)}\\.\\d{1,10}$`);
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const candidate of names) {
    const owner = ours.exec(candidate);
    let stale = false;
    const full = join(dirname(path), candidate);
    if (owner) {
      const pid = Number(owner[1]);
      stale = pid === process.pid ? !inFlight.has(full) : !processIsAlive(pid);
    } else if (legacy.test(candidate)) {
      try {
        stale = now - (await stat(full)).mtimeMs > LEGACY_AGE_MS;
      } catch {
        stale = false;
      }
    }
    if (!stale) continue;
    try {
      await rm(full, { force: true });
      removed.push(full);
    } catch {
      // not removable (permissions): leave it
    }
  }
  return removed;
}

/** Temp files this process is writing right now (never removed as stale). */
const inFlight = new Set<string>();

/** fsync a folder so a rename in it is durable. Windows cannot open folders; there NTFS journals renames. */
async function syncDirectory(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Write `text` to `path` atomically: temp file (the target's mode when it exists), fsync,
 * rename, fsync of the folder. On any failure the temp file is removed and the target is
 * untouched.
 */
export async function writeFileAtomically(path: string, text: string): Promise<void> {
  let mode = 0o644;
  try {
    mode = (await stat(path)).mode & 0o777;
  } catch {
    // a new file
  }
  const temp = tempPathFor(path);
  inFlight.add(temp);
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  } finally {
    inFlight.delete(temp);
  }
  await syncDirectory(dirname(path));
}
