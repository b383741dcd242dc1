// Runs inside the test's network namespace, next to a Ray head on 127.0.0.1:6379 (issue 23):
// a real kernel runs real Ray sweeps, and this prints what happened as one JSON line for
// src/kernel/sweep-ray.test.ts to judge. Run by that test (and by bench/ray-sweeps.ts), not alone.
//   node --import tsx scripts/ray-sweep-check.ts <python-with-ray> <scenario,…>
import { spawnSync } from 'node:child_process';
import { KernelSupervisor } from '../src/host/kernel-supervisor';
import type { HostEvent } from '../src/shared/protocol';
import type { TrialRecord } from '../src/shared/sweep/scheduler';
import { SWEEP_SETUP, sweepCell } from '../src/kernel/sweep.testing';

const [python = 'python3', scenarios = 'sweep,interrupt,down,missing'] = process.argv.slice(2);
const ray = (address: string, pythonPath = python) => `{ ray: ${JSON.stringify(address)}, python: ${JSON.stringify(pythonPath)} }`;

// The benchmark runs on wasm, the backend Ray workers pick here by themselves (auto).
const kernel = new KernelSupervisor({ backend: scenarios.includes('bench-') ? 'wasm' : 'cpu' });
const events: HostEvent[] = [];
kernel.onEvent((event) => events.push(event));

async function run(code: string, onEvent?: (event: HostEvent) => void) {
  const started = Date.now();
  const { runId, done } = await kernel.execute({ cellId: 'cell', code, language: 'javascript' });
  const subscription = onEvent ? kernel.onEvent((event) => ('runId' in event && event.runId === runId ? onEvent(event) : undefined)) : undefined;
  const finished = await done;
  subscription?.dispose();
  const error = events.find((e) => e.type === 'error' && e.runId === runId);
  const display = events.find((e) => e.type === 'display' && e.runId === runId);
  const text = display?.type === 'display' && display.value.kind === 'text' ? display.value.text : undefined;
  const lastSweep = events.filter((e) => e.type === 'artifact' && e.runId === runId && e.kind === 'sweep').at(-1);
  return {
    status: finished.status,
    ms: Date.now() - started,
    error: error?.type === 'error' ? `${error.error.name}: ${error.error.message}` : undefined,
    trials: text ? (JSON.parse(text) as TrialRecord[]).sort((a, b) => a.id - b.id) : undefined,
    published: lastSweep?.type === 'artifact' ? (lastSweep.data as { state: { trials: TrialRecord[] } }).state.trials : undefined,
    runId,
  };
}

const report: Record<string, unknown> = {};
try {
  // Each scenario starts from a fresh kernel that ran only the setup: a trial replays every cell
  // that ran before its sweep, and an earlier scenario's sweep cell is not part of this one.
  let started = false;
  const fresh = async (setupCode: string) => {
    if (started) await kernel.restart('next scenario');
    started = true;
    const setup = await run(setupCode);
    if (setup.error) throw new Error(setup.error);
  };
  await kernel.start();
  for (const scenario of scenarios.split(',')) {
    await fresh(scenario.startsWith('bench') ? benchSetup() : SWEEP_SETUP);
    if (scenario === 'sweep') {
      // Trial 1's first attempt kills its kernel (a lost worker: retried once); lr 100 is pruned,
      // then would hang for ten minutes unless its task is cancelled.
      const before = `const assigned = JSON.parse(process.env.LOSSBOOK_SWEEP_TRIAL); if (assigned.trial === 1 && assigned.attempt === 1) process.kill(process.pid, 'SIGKILL');`;
      report.sweep = await run(sweepCell(ray('127.0.0.1:6379'), before, 'if (lr === 100) await new Promise((resolve) => setTimeout(resolve, 600_000));'));
    } else if (scenario === 'interrupt') {
      // Every trial hangs; interrupt once two tasks have started: every task must be cancelled.
      let sent = false;
      const hang = 'await new Promise((resolve) => setTimeout(resolve, 600_000));';
      let interruptedAt = 0;
      let runningBefore = 0;
      let before: string[] = [];
      const result = await run(sweepCell(ray('127.0.0.1:6379'), hang), (event) => {
        if (sent || event.type !== 'artifact' || event.kind !== 'sweep') return;
        const trials = (event.data as { state: { trials: TrialRecord[] } }).state.trials;
        if (trials.filter((trial) => trial.where?.startsWith('ray:')).length >= 2) {
          sent = true;
          // Interrupt once both tasks run their lossbook process (so cancelling has something to end).
          void (async () => {
            for (let waited = 0; trialProcesses().length < 2 && waited < 60_000; waited += 250) await new Promise((resolve) => setTimeout(resolve, 250));
            before = trialProcesses();
            runningBefore = before.length;
            interruptedAt = Date.now();
            await kernel.interrupt();
          })();
        }
      });
      const cellEndedMs = interruptedAt ? Date.now() - interruptedAt : null;
      // The trial processes (lossbook run on a Ray worker) must be gone soon after: poll for them.
      // Only this sweep's processes count (other runs on the machine may have trial processes too).
      const stillThere = () => trialProcesses().filter((line) => before.includes(line));
      let leftover = stillThere();
      for (let waited = 0; leftover.length > 0 && waited < 30_000; waited += 500) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        leftover = stillThere();
      }
      report.interrupt = { ...result, runningBefore, cellEndedMs, goneAfterMs: interruptedAt ? Date.now() - interruptedAt : null, leftover };
    } else if (scenario === 'doctor') {
      // `lossbook doctor --ray`, as a user runs it (the CLI from source, the test's Python).
      const doctor = (...flags: string[]) =>
        spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'doctor', '--ray', '127.0.0.1:6379', ...flags], { encoding: 'utf8', env: { ...process.env, LOSSBOOK_PYTHON: python }, timeout: 120_000 });
      const json = doctor('--json');
      const text = doctor();
      report.doctor = { status: json.status, json: JSON.parse(json.stdout || 'null') as unknown, text: text.stdout, stderr: json.stderr.slice(-500) };
    } else if (scenario === 'down') report.down = await run(sweepCell(ray('127.0.0.1:6390')));
    else if (scenario === 'missing') report.missing = await run(sweepCell(ray('127.0.0.1:6379', '/usr/bin/python3')));
    else if (scenario.startsWith('bench-')) {
      // bench-<kernel|processes|ray>:<trials>: the benchmark's sweep (bench/ray-sweep.bench.ts).
      const [variant, count] = scenario.slice('bench-'.length).split(':');
      const on = variant === 'processes' ? '{ processes: 2 }' : variant === 'ray' ? ray('127.0.0.1:6379') : '';
      // Submission (the trial first appears in a published snapshot) → its first metric arrives.
      const submitted = new Map<number, number>();
      const firstMetric = new Map<number, number>();
      const result = await run(benchCell(Number(count ?? 8), on), (event) => {
        if (event.type !== 'artifact' || event.kind !== 'sweep') return;
        const now = performance.now();
        for (const trial of (event.data as { state: { trials: TrialRecord[] } }).state.trials) {
          if (!submitted.has(trial.id)) submitted.set(trial.id, now);
          if (trial.history.length > 0 && !firstMetric.has(trial.id)) firstMetric.set(trial.id, now);
        }
      });
      const overheads = [...firstMetric].map(([id, at]) => at - submitted.get(id)!);
      report[scenario] = { status: result.status, ms: result.ms, error: result.error, trials: result.trials?.map((trial) => ({ id: trial.id, status: trial.status, where: trial.where, best: trial.best, durationMs: trial.durationMs })), firstMetricMs: overheads };
    }
  }
} catch (error) {
  report.failure = (error as Error).message;
} finally {
  await kernel.shutdown().catch(() => undefined);
  kernel.dispose();
}
process.stdout.write(`RAY-CHECK ${JSON.stringify(report)}\n`);
process.exit(0);

/** Processes running a trial script (the Ray task writes it to a lossbook-trial-* folder). */
function trialProcesses(): string[] {
  const listing = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout ?? '';
  return listing.split('\n').filter((line) => /lossbook-trial-[^/\s]+\/lossbook-trial\./.test(line) && !line.includes('ps -eo'));
}

/** The benchmark's problem: heavier than the test's, so a trial's training is a real part of its cost. */
function benchSetup(): string {
  return `
const rows = 2000, features = 32;
const xs = tf.randomNormal([rows, features], 0, 1, 'float32', 11);
const ys = tf.tidy(() => xs.matMul(tf.randomNormal([features, 1], 0, 1, 'float32', 12)).relu());
async function train(lr, epochs, callbacks) {
  const model = tf.sequential({ layers: [
    tf.layers.dense({ inputShape: [features], units: 128, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
    tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
  ] });
  model.compile({ optimizer: tf.train.adam(lr), loss: 'meanSquaredError' });
  await model.fit(xs, ys, { epochs, batchSize: 32, validationSplit: 0.2, shuffle: false, verbose: 0, callbacks });
}
`;
}

/** The benchmark's sweep: `trials` trials of 5 epochs, nothing pruned, so every variant does the same work. */
export function benchCell(trials: number, on: string): string {
  return `
const result = await lossbook.sweep({
  space: { lr: lossbook.sweep.logUniform(0.01, 0.3) },
  trials: ${trials},
  seed: 5,
  prune: false,
  metric: 'val_loss',
  ${on ? `on: ${on},` : ''}
  train: async ({ lr }, report) => train(lr, 5, [report.callback]),
});
JSON.stringify(result.state.trials)
`;
}
