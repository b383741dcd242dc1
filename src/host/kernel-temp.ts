// The kernel's private temp folders (`lossbook-kernel-<host pid>-XXXXXX` in the system temp
// folder, holding its interrupt file). Issue 17 found ~60 of them left behind: a host that exits
// without shutting its kernels down (Ctrl+C in `lossbook run`, a crash, kill -9) never removed
// them. Now every folder this process made is removed when it exits, and folders of hosts that
// are gone are removed the first time a kernel starts — only ours, by name pattern.
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processIsAlive } from './process-alive';

export const KERNEL_FOLDER_PREFIX = 'lossbook-kernel-';
/** `lossbook-kernel-<pid>-XXXXXX`: mkdtemp's six random characters after the host's pid. */
const WITH_PID = /^lossbook-kernel-(\d+)-[A-Za-z0-9]{6}$/;
/** Before issue 17 the name had no pid: such a folder is removed once it is a day old. */
const WITHOUT_PID = /^lossbook-kernel-[A-Za-z0-9]{6}$/;
const LEGACY_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * The kernel's interrupt file (src/kernel/interrupt-channel.ts): the sequence number of the run
 * to stop, read by a kernel worker thread every few ms. Works with any launcher (Electron's
 * utilityProcess cannot pass the extra pipe fork gives), so a synchronous loop stops without a
 * restart there too.
 */
export interface InterruptFile {
  path: string;
  signal(sequence: number): void;
  dispose(): void;
}

const liveFolders = new Set<string>();
let exitHookInstalled = false;
let sweptStale = false;

function removeLiveFolders(): void {
  for (const folder of liveFolders) {
    try {
      rmSync(folder, { recursive: true, force: true });
    } catch {
      // best effort at exit
    }
  }
  liveFolders.clear();
}

/** Remove kernel folders whose host process is gone (and pre-pid ones older than a day). */
export function removeStaleKernelFolders(folder = tmpdir(), now = Date.now()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(KERNEL_FOLDER_PREFIX)) continue;
    const path = join(folder, name);
    const owner = WITH_PID.exec(name);
    let stale = false;
    if (owner) stale = Number(owner[1]) !== process.pid && !processIsAlive(Number(owner[1]));
    else if (WITHOUT_PID.test(name)) {
      try {
        stale = now - statSync(path).mtimeMs > LEGACY_AGE_MS;
      } catch {
        stale = false;
      }
    }
    if (!stale) continue;
    try {
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // another user's, or in use: leave it
    }
  }
  return removed;
}

export function createInterruptFile(): InterruptFile | undefined {
  if (!sweptStale) {
    sweptStale = true;
    removeStaleKernelFolders();
  }
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', removeLiveFolders);
  }
  try {
    const folder = mkdtempSync(join(tmpdir(), `${KERNEL_FOLDER_PREFIX}${process.pid}-`));
    liveFolders.add(folder);
    const path = join(folder, 'interrupt');
    writeFileSync(path, Buffer.alloc(4), { mode: 0o600 });
    return {
      path,
      signal(sequence) {
        const message = Buffer.alloc(4);
        message.writeUInt32LE(sequence, 0);
        const fd = openSync(path, 'r+');
        try {
          writeSync(fd, message, 0, 4, 0);
        } finally {
          closeSync(fd);
        }
      },
      dispose() {
        liveFolders.delete(folder);
        rmSync(folder, { recursive: true, force: true });
      },
    };
  } catch {
    return undefined;
  }
}
