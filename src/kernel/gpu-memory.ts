// GPU memory as the driver sees it (issue 11): nvidia-smi, where the binary exists, asked with
// a short timeout and never on the hot path — snapshots read the last answer while a refresh
// runs in the background, so a slow driver cannot stall a cell's start or end.
import { execFile, execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const QUERY_TIMEOUT_MS = 1_500;
const REFRESH_INTERVAL_MS = 1_000;

let nvidiaSmiPath: string | null | undefined;

function findNvidiaSmi(): string | null {
  if (nvidiaSmiPath !== undefined) return nvidiaSmiPath;
  nvidiaSmiPath = null;
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    if (!folder) continue;
    const candidate = join(folder, process.platform === 'win32' ? 'nvidia-smi.exe' : 'nvidia-smi');
    try {
      accessSync(candidate, constants.X_OK);
      nvidiaSmiPath = candidate;
      break;
    } catch {
      // not in this folder
    }
  }
  return nvidiaSmiPath;
}

/** The first GPU's name and driver, for the backend's device description; undefined without nvidia-smi. */
export function queryNvidiaGpu(): { name: string; driver: string; totalBytes: number } | undefined {
  const binary = findNvidiaSmi();
  if (!binary) return undefined;
  try {
    const output = execFileSync(binary, ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader,nounits'], {
      timeout: QUERY_TIMEOUT_MS,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const [name, driver, totalMiB] = (output.split('\n')[0] ?? '').split(',').map((part) => part.trim());
    if (!name) return undefined;
    return { name, driver: driver ?? 'unknown', totalBytes: Number(totalMiB) * 1024 * 1024 };
  } catch {
    return undefined;
  }
}

/** This process's GPU memory according to nvidia-smi, refreshed in the background. */
export class NvidiaProcessMemory {
  private lastBytes: number | undefined;
  private lastTotal: number | undefined;
  private lastRefresh = 0;
  private refreshing = false;

  constructor(private readonly pid = process.pid) {}

  get available(): boolean {
    return findNvidiaSmi() !== null;
  }

  /** The last known value (bytes), and kick off a refresh if it is stale. */
  read(): { processBytes?: number; totalBytes?: number } {
    this.refresh();
    return {
      ...(this.lastBytes !== undefined ? { processBytes: this.lastBytes } : {}),
      ...(this.lastTotal !== undefined ? { totalBytes: this.lastTotal } : {}),
    };
  }

  private refresh(): void {
    const binary = findNvidiaSmi();
    if (!binary || this.refreshing || Date.now() - this.lastRefresh < REFRESH_INTERVAL_MS) return;
    this.refreshing = true;
    execFile(
      binary,
      ['--query-compute-apps=pid,used_memory', '--format=csv,noheader,nounits'],
      { timeout: QUERY_TIMEOUT_MS, encoding: 'utf8' },
      (error, stdout) => {
        this.refreshing = false;
        this.lastRefresh = Date.now();
        if (error) return;
        let bytes = 0;
        for (const line of stdout.split('\n')) {
          const [pid, usedMiB] = line.split(',').map((part) => part.trim());
          if (Number(pid) === this.pid) bytes += Number(usedMiB) * 1024 * 1024;
        }
        this.lastBytes = bytes;
      },
    ).unref?.();
    if (this.lastTotal === undefined) this.lastTotal = queryNvidiaGpu()?.totalBytes;
  }
}
