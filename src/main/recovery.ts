// Crash recovery for the desktop app. The renderer autosaves through the host (files.ts writes
// recovery copies); here: one recovery copy per untitled window (files.ts keys untitled copies
// by process, and every window lives in the main process), and, at start, the untitled copies a
// crashed session left behind — its process is gone — offered back to the user.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { processIsAlive } from '../host/process-alive';

/** The stand-in path an untitled window's autosaves are keyed by (files.ts hashes it into a recovery file name). */
export function untitledRecoveryKey(directory: string, windowNumber: number, pid = process.pid): string {
  return join(directory, `untitled-${pid}-window${windowNumber}.lossbook`);
}

export interface OrphanedRecovery {
  path: string;
  modified: Date;
}

/**
 * Untitled recovery copies whose writing process has ended (a crash, a kill, a power cut).
 * Copies of a live process (this app, a `lossbook serve`) are left alone.
 */
export async function findOrphanedUntitledRecoveries(directory: string, isAlive: (pid: number) => boolean = processIsAlive): Promise<OrphanedRecovery[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return [];
  }
  const found: OrphanedRecovery[] = [];
  for (const name of names) {
    const match = /^untitled-(\d+)-.*\.recovery\.lossbook$/.exec(name);
    if (!match || isAlive(Number(match[1]))) continue;
    try {
      const path = join(directory, name);
      found.push({ path, modified: (await stat(path)).mtime });
    } catch {
      // Removed meanwhile.
    }
  }
  return found.sort((a, b) => b.modified.getTime() - a.modified.getTime());
}
