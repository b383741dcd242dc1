// `npm run bench -- ray-sweep` (issue 23): one 8-trial sweep three ways on this machine — in the
// kernel one trial after another, in 2 local trial processes, and as Ray tasks on a Ray head
// (2 CPUs) — and the overhead of a trial outside the kernel: from its submission to its first
// metric. Everything runs in a loopback-only network namespace with a Ray head started here
// (scripts/ray-sweep-check.ts does the runs); where Ray or unshare is missing it says why.
// Run `npm run build:node` first: trial processes then start the built CLI, as the app does.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, type Benchmark } from './harness';

const TRIALS = Number(process.env.LOSSBOOK_BENCH_TRIALS ?? 8);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const python = process.env.LOSSBOOK_TEST_PYTHON ?? join(root, '.venv-ray', 'bin', 'python');

interface Variant {
  status: string;
  ms: number;
  error?: string;
  trials?: Array<{ id: number; status: string; where?: string; durationMs?: number }>;
  firstMetricMs: number[];
}

const bench: Benchmark = {
  name: 'ray-sweep',
  description: `${TRIALS} trials: in the kernel vs 2 processes vs Ray tasks (2 CPUs); Ray's overhead per trial`,
  async run() {
    const ray = spawnSync(python, ['-c', 'import ray; print(ray.__version__)'], { encoding: 'utf8' });
    if (!existsSync(python) || ray.status !== 0) return { table: [{ skipped: `no Python with ray at ${python}` }], data: { skipped: `no Python with ray at ${python}` } };
    const scenarios = ['kernel', 'processes', 'ray'].map((variant) => `bench-${variant}:${TRIALS}`).join(',');
    const script = `
ip link set lo up
export PATH=${JSON.stringify(dirname(python))}:$PATH
trap 'ray stop --force >/dev/null 2>&1' EXIT
for try in 1 2; do
  ray start --head --node-ip-address=127.0.0.1 --port=6379 --include-dashboard=false --num-cpus 2 --disable-usage-stats >/dev/null 2>&1 && break
  ray stop --force >/dev/null 2>&1
  [ "$try" = 2 ] && exit 1
done
node --import tsx scripts/ray-sweep-check.ts ${JSON.stringify(python)} ${scenarios}
`;
    const child = spawn('unshare', ['-n', 'bash', '-c', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await new Promise((resolveClose) => child.once('close', resolveClose));
    const line = output.split('\n').find((candidate) => candidate.startsWith('RAY-CHECK '));
    if (!line) throw new Error(`the Ray benchmark printed no report:\n${output.slice(-2000)}`);
    const report = JSON.parse(line.slice('RAY-CHECK '.length)) as Record<string, Variant>;
    const kernel = report[`bench-kernel:${TRIALS}`]!;
    const processes = report[`bench-processes:${TRIALS}`]!;
    const onRay = report[`bench-ray:${TRIALS}`]!;
    const row = (name: string, variant: Variant) => ({
      variant: name,
      'wall s': Number((variant.ms / 1000).toFixed(1)),
      'vs kernel': Number((variant.ms / kernel.ms).toFixed(2)),
      'completed': variant.trials?.filter((trial) => trial.status === 'completed').length ?? 0,
      'median trial s': Number((median(variant.trials?.map((trial) => trial.durationMs ?? 0) ?? [0]) / 1000).toFixed(1)),
      // In the kernel a sweep publishes once per finished trial: there is no submission to time.
      'submission → 1st metric, median s': variant === kernel || !variant.firstMetricMs.length ? '—' : Number((median(variant.firstMetricMs) / 1000).toFixed(2)),
      error: variant.error ?? '',
    });
    const table = [row('kernel, sequential', kernel), row('processes: 2', processes), row('ray (2 CPUs)', onRay)];
    return {
      table,
      data: {
        trials: TRIALS,
        rayVersion: ray.stdout.trim(),
        // Other jobs share this machine's 2 cores: its load while the benchmark ran, for context.
        loadAverage: loadavg(),
        wallMs: { kernel: kernel.ms, processes: processes.ms, ray: onRay.ms },
        ratios: { processesOverKernel: processes.ms / kernel.ms, rayOverKernel: onRay.ms / kernel.ms, rayOverProcesses: onRay.ms / processes.ms },
        firstMetricMs: { processes: processes.firstMetricMs, ray: onRay.firstMetricMs },
        table,
        raw: report,
      },
      targets: { [`all ${TRIALS} trials completed each way`]: [kernel, processes, onRay].every((variant) => variant.trials?.filter((trial) => trial.status === 'completed').length === TRIALS) },
    };
  },
};
export default bench;
