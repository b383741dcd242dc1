// Sweeps on a real Ray cluster (issue 23). The test starts a Ray head inside a network namespace
// that has only loopback (`unshare -n`): Ray binds to the machine's interface otherwise, and
// nothing here may talk to any address but 127.0.0.1. Every process of the test — Ray, the
// kernel, the driver, the trials — runs in that namespace (scripts/ray-sweep-check.ts); this
// file judges what it printed. Where Ray or unshare is missing the test is skipped, saying why.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { TrialRecord } from '../shared/sweep/scheduler';
import { checkRayCluster } from '../host/ray-doctor';
import { RayTrialLauncher } from './trial-launchers';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const python = process.env.LOSSBOOK_TEST_PYTHON ?? join(root, '.venv-ray', 'bin', 'python');

function whyNoRay(): string | undefined {
  if (!existsSync(python)) return `no Python with ray at ${python} (python3 -m venv .venv-ray && .venv-ray/bin/pip install ray, or set LOSSBOOK_TEST_PYTHON)`;
  const ray = spawnSync(python, ['-c', 'import ray; print(ray.__version__)'], { encoding: 'utf8', timeout: 60_000 });
  if (ray.status !== 0) return `${python} cannot import ray: ${(ray.stderr || ray.error?.message || '').trim().split('\n').at(-1)}`;
  if (!existsSync(join(dirname(python), 'ray'))) return `no ray command beside ${python}`;
  const namespace = spawnSync('unshare', ['-n', 'ip', 'link', 'set', 'lo', 'up'], { encoding: 'utf8', timeout: 10_000 });
  if (namespace.status !== 0) return `cannot create a loopback-only network namespace (unshare -n; needs root and iproute2): ${(namespace.stderr || namespace.error?.message || '').trim()}`;
  return undefined;
}

const skipReason = whyNoRay();

interface CheckRun {
  status: string;
  ms: number;
  error?: string;
  trials?: TrialRecord[];
  published?: TrialRecord[];
}

/** Start Ray in a fresh namespace, run the check script there, always stop Ray; returns its report. */
async function inRayNamespace(scenarios: string): Promise<Record<string, CheckRun & Record<string, unknown>>> {
  const script = `
set -u
ip link set lo up
export PATH=${JSON.stringify(dirname(python))}:$PATH
trap 'ray stop --force >/dev/null 2>&1' EXIT
log=$(mktemp)
# On a loaded machine the raylet can time out waiting for its metrics agent: start once more.
for try in 1 2; do
  ray start --head --node-ip-address=127.0.0.1 --port=6379 --include-dashboard=false --num-cpus 2 --disable-usage-stats >"$log" 2>&1 && break
  ray stop --force >/dev/null 2>&1
  [ "$try" = 2 ] && { echo "ray start failed:"; tail -n 30 "$log"; exit 1; }
done
node --import tsx scripts/ray-sweep-check.ts ${JSON.stringify(python)} ${scenarios}
`;
  const child = spawn('unshare', ['-n', 'bash', '-c', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  await new Promise((resolveClose) => child.once('close', resolveClose));
  const line = output.split('\n').find((candidate) => candidate.startsWith('RAY-CHECK '));
  if (!line) throw new Error(`the Ray check printed no report:\n${output.slice(-3000)}`);
  return JSON.parse(line.slice('RAY-CHECK '.length)) as Record<string, CheckRun & Record<string, unknown>>;
}

describe.skipIf(skipReason !== undefined)(`lossbook.sweep on a Ray cluster${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it('runs 4 trials as 4 Ray tasks, cancels the pruned one, retries a lost one, cancels all on interrupt, and says when the cluster is down', async () => {
    const report = await inRayNamespace('sweep,interrupt,down,doctor');
    expect(report.failure).toBeUndefined();

    const sweep = report.sweep!;
    expect(sweep.error).toBeUndefined();
    const trials = sweep.trials!;
    expect(trials.map((trial) => trial.params.lr)).toEqual([0.05, 0.2, 0.5, 100]);
    for (const trial of trials) expect(trial.where).toMatch(/^ray:127\.0\.0\.1\/[0-9a-f]{8}$/);
    // Four trials, four Ray tasks (task ids are Ray's own, 48 hex digits).
    expect(new Set(trials.map((trial) => trial.task)).size).toBe(4);
    for (const trial of trials) expect(trial.task).toMatch(/^[0-9a-f]{48}$/);
    expect(trials.slice(0, 3).every((trial) => trial.status === 'completed' && trial.history.length === 3)).toBe(true);
    // The trial whose first worker died ran once more, and says so.
    expect(trials[1]).toMatchObject({ status: 'completed', attempts: 2 });
    expect(trials[1]!.reason).toMatch(/attempt 1 was lost .*retried once/);
    // lr 100 was pruned by the sweep's rule; its task then hung, so only a cancel ended it.
    expect(trials[3]!.status).toBe('pruned');
    expect(trials[3]!.reason).toMatch(/diverged|median/);
    expect(trials[3]!.history.length).toBe(trials[3]!.prunedAt);

    // Interrupt: the cell ends at once, the trials are reported (left to resume), their processes end.
    const interrupt = report.interrupt!;
    expect(interrupt.error).toMatch(/SweepInterruptedError: Sweep interrupted/);
    expect(interrupt.runningBefore as number).toBeGreaterThanOrEqual(2);
    expect(interrupt.cellEndedMs as number).toBeLessThan(1500);
    expect(interrupt.leftover).toEqual([]);
    const cancelled = interrupt.published!.filter((trial) => trial.where?.startsWith('ray:'));
    expect(cancelled.length).toBeGreaterThanOrEqual(2);
    for (const trial of cancelled) expect(trial).toMatchObject({ status: 'running', reason: expect.stringMatching(/interrupted: its task was cancelled/) });

    // Nothing listens on 6390: a clear error, quickly, not a hang.
    expect(report.down!.error).toMatch(/SweepClusterError: Ray: cannot reach the Ray cluster at 127\.0\.0\.1:6390/);
    expect(report.down!.ms).toBeLessThan(30_000);

    // lossbook doctor --ray describes the cluster the sweep ran on.
    const doctor = report.doctor as unknown as { status: number; json: { ok: boolean; rayVersion: string; cpus: number; nodes: Array<{ address: string; alive: boolean }> }; text: string };
    expect(doctor.status).toBe(0);
    expect(doctor.json).toMatchObject({ ok: true, cpus: 2, nodes: [{ address: '127.0.0.1', alive: true }] });
    expect(doctor.json.rayVersion).toMatch(/^\d+\.\d+/);
    expect(doctor.text).toMatch(/Ray cluster at 127\.0\.0\.1:6379: Ray \d+\.\d+.*\n {2}1 node\(s\) alive, 2 CPU\(s\), 0 GPU\(s\)/);
  }, 600_000);
});

// The system python3 shows the "ray missing" case only where it has no ray itself.
const systemPythonHasRay = spawnSync('python3', ['-c', 'import ray'], { encoding: 'utf8' }).status === 0;

describe('the Ray launcher without Ray', () => {
  it.skipIf(systemPythonHasRay)('says which Python lacks `ray` and how to fix it', async () => {
    const launcher = new RayTrialLauncher({ kind: 'ray', address: '127.0.0.1:6379', python: 'python3' });
    await expect(launcher.open(new AbortController().signal)).rejects.toThrow(/Ray: the Python at .* has no `ray` module .*pip install ray/);
    await launcher.close();
  }, 60_000);

  it.skipIf(systemPythonHasRay)('lossbook doctor --ray says the same', async () => {
    const check = await checkRayCluster('127.0.0.1:6390', { LOSSBOOK_PYTHON: 'python3' });
    expect(check).toMatchObject({ ok: false, reason: expect.stringMatching(/has no `ray` module/) });
  }, 60_000);

  it('says when the Python itself cannot be found', async () => {
    const launcher = new RayTrialLauncher({ kind: 'ray', address: '127.0.0.1:6379', python: '/nonexistent/python3' });
    await expect(launcher.open(new AbortController().signal)).rejects.toThrow(/Cannot start the Ray driver with "\/nonexistent\/python3".*LOSSBOOK_PYTHON/);
    await launcher.close();
  });
});
