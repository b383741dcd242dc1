// `npm run bench -- webgpu-dispatch` (issue 18 "fewer kernels per GPU step"): GPU dispatches per
// training step and steps/s of the 784-64-64-10 and 784-1024-1024-10 Adam MLPs on webgpu, with
// tfjs's own optimizer update ("plain") and with Lossbook's fused updates
// (src/kernel/webgpu-fused-updates.ts), on one model in one process, alternating blocks of steps.
// Dispatches are counted at GPUComputePassEncoder.dispatchWorkgroups (what reaches the GPU).
// Where Dawn's only adapter is a software one (Mesa's llvmpipe), the result is named for it: it
// runs on the CPU and its steps/s say little about a GPU; its dispatch counts are the same.
// LOSSBOOK_BENCH_QUICK=1: fewer steps. LOSSBOOK_BENCH_REPS: alternating rounds (default 3).
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { DispatchRequest } from './backends-worker';
import { median, runJsonWorker, type Benchmark } from './harness';

const QUICK = process.env.LOSSBOOK_BENCH_QUICK === '1';
const worker = fileURLToPath(new URL('./backends-worker.ts', import.meta.url));
const request: DispatchRequest = QUICK
  ? { hidden: [64, 1024], batch: 32, steps: 2, warmupSteps: 1, rounds: 1 }
  : { hidden: [64, 1024], batch: 128, steps: 5, warmupSteps: 2, rounds: Number(process.env.LOSSBOOK_BENCH_REPS ?? 3) };

interface Row {
  hidden: number;
  batch: number;
  plainDispatchesPerStep: number;
  lossbookDispatchesPerStep: number;
  plainStepsPerSecond: number[];
  lossbookStepsPerSecond: number[];
}
interface Output {
  available: boolean;
  reason?: string;
  device?: string;
  isGpu?: boolean;
  gpu?: { description?: string; vendor?: string; device?: string };
  rows?: Row[];
}

function runWorker(): Promise<Output> {
  // LOSSBOOK_WEBGPU_FUSION is left alone: the worker switches the fused updates on and off itself.
  return runJsonWorker<Output>(worker, ['dispatch', JSON.stringify(request)]);
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}

const benchmark: Benchmark = {
  name: 'webgpu-dispatch',
  description: 'webgpu: dispatches per Adam step and steps/s, tfjs optimizer update vs Lossbook fused update (784-64-64-10 and 784-1024-1024-10)',
  async run() {
    const loadBefore = loadavg();
    const output = await runWorker();
    if (!output.available || !output.rows) {
      return { table: [{ webgpu: 'unavailable', reason: output.reason ?? 'unknown' }], data: { available: false, reason: output.reason }, resultName: 'webgpu-dispatch-unavailable' };
    }
    const adapter = output.gpu?.description || [output.gpu?.vendor, output.gpu?.device].filter(Boolean).join(' ') || 'adapter';
    const software = output.isGpu === false;
    const rows = output.rows.map((row) => {
      const plain = median(row.plainStepsPerSecond);
      const lossbook = median(row.lossbookStepsPerSecond);
      return {
        ...row,
        plainStepsPerSecondMedian: plain,
        lossbookStepsPerSecondMedian: lossbook,
        plainOverLossbookDispatches: row.plainDispatchesPerStep / row.lossbookDispatchesPerStep,
        lossbookOverPlainStepsPerSecond: lossbook / plain,
      };
    });
    const targets: Record<string, boolean> = {};
    for (const row of rows) {
      targets[`784-${row.hidden}-${row.hidden}-10: ≥ 3× fewer dispatches per step (${row.plainDispatchesPerStep} → ${row.lossbookDispatchesPerStep})`] = row.plainOverLossbookDispatches >= 3;
      targets[`784-${row.hidden}-${row.hidden}-10: ≥ 1.5× steps/s${software ? ' (software adapter)' : ''}`] = row.lossbookOverPlainStepsPerSecond >= 1.5;
    }
    return {
      resultName: `webgpu-dispatch-${software ? 'software-' : ''}${slug(adapter)}`,
      table: rows.map((row) => ({
        model: `784-${row.hidden}-${row.hidden}-10, batch ${row.batch}`,
        'dispatches/step plain': row.plainDispatchesPerStep,
        'dispatches/step Lossbook': row.lossbookDispatchesPerStep,
        'fewer dispatches': `${row.plainOverLossbookDispatches.toFixed(2)}×`,
        'steps/s plain': row.plainStepsPerSecondMedian.toFixed(2),
        'steps/s Lossbook': row.lossbookStepsPerSecondMedian.toFixed(2),
        'Lossbook / plain steps/s': `${row.lossbookOverPlainStepsPerSecond.toFixed(2)}×`,
      })),
      data: {
        quick: QUICK,
        request,
        adapter: `${adapter}${software ? ' (software adapter: Vulkan on the CPU, not a GPU)' : ''}`,
        device: output.device,
        softwareAdapter: software,
        loadAverage1mBeforeAfter: [loadBefore[0], loadavg()[0]],
        rows,
      },
      targets,
    };
  },
};

export default benchmark;
