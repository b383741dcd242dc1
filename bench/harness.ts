// Shared by every benchmark: results are written to bench/results/<name>.json and printed as a
// table. Benchmarks report ratios measured in one run (never compared across machines).
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

export interface BenchmarkResult {
  /** Rows printed as a table (keys are columns). */
  table: Array<Record<string, string | number>>;
  /** Everything measured, saved as JSON. */
  data: Record<string, unknown>;
  /** File name under bench/results when it depends on the run (e.g. the GPU's name). */
  resultName?: string;
  /** Targets checked, e.g. { "leaked bytes == 0": true }. */
  targets?: Record<string, boolean>;
}

export interface Benchmark {
  name: string;
  description: string;
  run(): Promise<BenchmarkResult>;
}

export const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));

export function machine(): Record<string, unknown> {
  return { platform: platform(), arch: arch(), cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
}

export function writeResult(name: string, result: BenchmarkResult): string {
  mkdirSync(resultsDir, { recursive: true });
  const path = `${resultsDir}${name}.json`;
  writeFileSync(path, `${JSON.stringify({ name, date: new Date().toISOString(), machine: machine(), ...result.data, targets: result.targets ?? {} }, null, 2)}\n`);
  return path;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * Run a bench worker script in a fresh Node (with tsx) and take the last JSON line it prints;
 * when there is none, `{ available: false, reason }` with the end of what it said.
 */
export function runJsonWorker<T>(script: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<T | { available: false; reason: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.on('exit', (code) => {
      const line = output.split('\n').reverse().find((l) => l.startsWith('{'));
      resolve(line ? (JSON.parse(line) as T) : { available: false, reason: `worker exited ${code}: ${(errors || output).trim().split('\n').slice(-2).join(' ')}` });
    });
  });
}
