// `npm run bench -- gpu` (issue 11): on the GPU through WebGPU (Dawn), beside wasm in the same
// run — plain tfjs vs the same code as a Lossbook cell (ratio target ≥ 0.95), and 20 run →
// interrupt cycles of a training cell with GPU tensor bytes and pooled bytes before/after and
// after "free memory" (targets: 0 tensor bytes left; pool back to a fresh kernel's size).
// Where webgpu cannot load (no GPU, as on CI), the reason is recorded and wasm is measured alone.
// Also: the kernel's webgpu flag defaults on vs off (backend.ts WEBGPU_FLAG_DEFAULTS) and a
// per-step profile (kernels, submits, enqueue vs wait) for the 1024/1024 MLP, to find the fixed
// per-step cost. On a bare GPU machine this runs from the GPU kit (scripts/gpu-kit/, docs/gpu.md):
// LOSSBOOK_KERNEL_ENTRY and LOSSBOOK_GPU_PLAIN then name built .mjs files (no tsx there).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BackendName, HostEvent, MemorySnapshot } from '../src/shared/protocol';
import { KernelSupervisor } from '../src/host/kernel-supervisor';
import { median, type Benchmark } from './harness';
import { interruptibleSource, stepProfileSource, trainingSource, type TrainingConfig } from './gpu-training';

const plainScript = process.env.LOSSBOOK_GPU_PLAIN ?? fileURLToPath(new URL('./gpu-plain.ts', import.meta.url));
const kernelEntry = process.env.LOSSBOOK_KERNEL_ENTRY || undefined;
const REPETITIONS = Number(process.env.LOSSBOOK_BENCH_REPS ?? 2);
const CYCLES = Number(process.env.LOSSBOOK_BENCH_CYCLES ?? 20);
/** Smoke runs (packing the kit, CI-like checks): tiny configs, same code paths. */
const QUICK = process.env.LOSSBOOK_BENCH_QUICK === '1';

const fullConfigs: Record<string, TrainingConfig[]> = {
  webgpu: [
    { hidden: 256, batch: 128, steps: 40, warmupSteps: 8 },
    { hidden: 1024, batch: 1024, steps: 40, warmupSteps: 8 },
    { hidden: 4096, batch: 4096, steps: 20, warmupSteps: 4 },
  ],
  wasm: [
    { hidden: 256, batch: 128, steps: 20, warmupSteps: 4 },
    { hidden: 1024, batch: 1024, steps: 4, warmupSteps: 4 },
  ],
};
const quickConfigs: Record<string, TrainingConfig[]> = {
  webgpu: [{ hidden: 256, batch: 128, steps: 8, warmupSteps: 4 }],
  wasm: [{ hidden: 64, batch: 32, steps: 8, warmupSteps: 4 }],
};
const configs = QUICK ? quickConfigs : fullConfigs;
/** The config the speed goal is stated for (1024-wide MLP at batch 1024). */
const speedConfig = (backend: BackendName): TrainingConfig =>
  QUICK || backend !== 'webgpu' ? { hidden: 64, batch: 32, steps: 8, warmupSteps: 4 } : { hidden: 1024, batch: 1024, steps: 40, warmupSteps: 8 };

interface Throughput {
  ok: boolean;
  samplesPerSecond?: number;
  msPerStep?: number;
  reason?: string;
}

function runPlain(backend: string, config: TrainingConfig): Promise<Throughput> {
  return new Promise((resolve) => {
    const child = fork(plainScript, [backend, String(config.hidden), String(config.batch), String(config.steps), String(config.warmupSteps)], {
      execArgv: plainScript.endsWith('.ts') ? ['--import', 'tsx'] : [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', () => undefined);
    child.on('exit', () => {
      const line = output.split('\n').reverse().find((l) => l.startsWith('{'));
      resolve(line ? (JSON.parse(line) as Throughput) : { ok: false, reason: `plain process printed no result: ${output.slice(-300)}` });
    });
  });
}

async function startKernel(backend: BackendName, env?: Record<string, string>): Promise<{ supervisor: KernelSupervisor; events: HostEvent[]; fresh: MemorySnapshot | undefined }> {
  const supervisor = new KernelSupervisor({ backend, backendRequestedBy: 'flag', ...(kernelEntry ? { entry: kernelEntry } : {}), ...(env ? { env } : {}) });
  const events: HostEvent[] = [];
  supervisor.onEvent((event) => events.push(event));
  await supervisor.start();
  return { supervisor, events, fresh: supervisor.lastMemory };
}

async function runCell(kernel: { supervisor: KernelSupervisor; events: HostEvent[] }, code: string): Promise<{ value: unknown; status: string; error?: string }> {
  const { runId, done } = await kernel.supervisor.execute({ cellId: 'bench', code, language: 'javascript' });
  const finished = await done;
  const display = kernel.events.find((e) => e.type === 'display' && e.runId === runId);
  const error = kernel.events.find((e) => e.type === 'error' && e.runId === runId);
  return {
    value: display && display.type === 'display' && display.value.kind === 'json' ? display.value.json : undefined,
    status: finished.status,
    error: error && error.type === 'error' ? error.error.message : undefined,
  };
}

async function throughputs(backend: BackendName) {
  const rows: Array<Record<string, unknown>> = [];
  let kernel: Awaited<ReturnType<typeof startKernel>> | undefined;
  try {
    kernel = await startKernel(backend);
  } catch (error) {
    return { available: false, reason: error instanceof Error ? error.message : String(error), rows };
  }
  if (kernel.supervisor.backend?.name !== backend) {
    const attempt = kernel.supervisor.backend?.attempts.find((a) => a.backend === backend);
    await kernel.supervisor.shutdown();
    return { available: false, reason: attempt?.reason ?? `kernel started on ${kernel.supervisor.backend?.name}`, rows };
  }
  const device = kernel.supervisor.backend.device;
  for (const config of configs[backend] ?? []) {
    const plain: number[] = [];
    const lossbook: number[] = [];
    let reason: string | undefined;
    // Interleaved repetitions, so drift (thermal, other load) hits both sides alike.
    for (let rep = 0; rep < REPETITIONS; rep++) {
      const p = await runPlain(backend, config);
      if (p.ok) plain.push(p.samplesPerSecond!);
      else reason = p.reason;
      const l = await runCell(kernel, trainingSource(config));
      const value = l.value as { samplesPerSecond?: number } | undefined;
      if (value?.samplesPerSecond) lossbook.push(value.samplesPerSecond);
      else reason = l.error ?? `cell ended ${l.status}`;
    }
    const plainMedian = plain.length ? median(plain) : undefined;
    const lossbookMedian = lossbook.length ? median(lossbook) : undefined;
    rows.push({
      backend,
      hidden: config.hidden,
      batch: config.batch,
      plainSamplesPerSecond: plainMedian,
      lossbookSamplesPerSecond: lossbookMedian,
      ratio: plainMedian && lossbookMedian ? lossbookMedian / plainMedian : undefined,
      msPerStepLossbook: lossbookMedian ? (config.batch / lossbookMedian) * 1000 : undefined,
      ...(reason ? { reason } : {}),
    });
  }
  await kernel.supervisor.shutdown();
  return { available: true, device, backendInfo: kernel.supervisor.backend, rows };
}

/**
 * The kernel's webgpu flag defaults on vs off (LOSSBOOK_WEBGPU_DEFAULTS=off), same cell, two
 * kernels, interleaved repetitions; then one profiled step in each (kernels dispatched, submits,
 * readbacks, JS enqueue time vs waiting for the GPU). Where webgpu is unavailable this runs on
 * wasm with a tiny model only to exercise the code (flags do not apply there).
 */
async function flagsAndProfile(backend: BackendName) {
  const config = speedConfig(backend);
  const on = await startKernel(backend);
  const off = await startKernel(backend, { LOSSBOOK_WEBGPU_DEFAULTS: 'off' });
  try {
    const samples: Record<'on' | 'off', number[]> = { on: [], off: [] };
    const errors: string[] = [];
    for (let rep = 0; rep < REPETITIONS; rep++) {
      for (const [key, kernel] of [['on', on], ['off', off]] as const) {
        const result = await runCell(kernel, trainingSource(config));
        const value = result.value as { samplesPerSecond?: number } | undefined;
        if (value?.samplesPerSecond) samples[key].push(value.samplesPerSecond);
        else errors.push(`${key}: ${result.error ?? result.status}`);
      }
    }
    const profiles: Record<string, unknown> = {};
    for (const [key, kernel] of [['on', on], ['off', off]] as const) {
      const result = await runCell(kernel, stepProfileSource(config));
      profiles[key] = result.value ?? { error: result.error ?? result.status };
    }
    const onMedian = samples.on.length ? median(samples.on) : undefined;
    const offMedian = samples.off.length ? median(samples.off) : undefined;
    return {
      backend,
      hidden: config.hidden,
      batch: config.batch,
      deviceOn: on.supervisor.backend?.device,
      deviceOff: off.supervisor.backend?.device,
      flagsOnSamplesPerSecond: onMedian,
      flagsOffSamplesPerSecond: offMedian,
      msPerStepOn: onMedian ? (config.batch / onMedian) * 1000 : undefined,
      msPerStepOff: offMedian ? (config.batch / offMedian) * 1000 : undefined,
      speedup: onMedian && offMedian ? onMedian / offMedian : undefined,
      ...(backend === 'webgpu' ? {} : { note: 'webgpu unavailable: flags do not apply on this backend; run only to exercise the code' }),
      ...(errors.length ? { errors } : {}),
      profile: profiles,
    };
  } finally {
    await on.supervisor.shutdown();
    await off.supervisor.shutdown();
  }
}

async function interruptCycles(backend: BackendName) {
  const kernel = await startKernel(backend);
  const fresh = kernel.fresh;
  const cycles: Array<Record<string, number | string | undefined>> = [];
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    const { runId, done } = await kernel.supervisor.execute({ cellId: 'train', code: interruptibleSource(1024, 256), language: 'javascript' });
    // Interrupt once training is under way (a few batches in).
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (kernel.events.some((e) => e.type === 'progress' && e.runId === runId && e.step >= 3)) {
          clearInterval(check);
          resolve();
        }
      }, 10);
    });
    const interruptedAt = performance.now();
    await kernel.supervisor.interrupt();
    const finished = await done;
    cycles.push({
      cycle,
      status: finished.status,
      msToIdle: Math.round(performance.now() - interruptedAt),
      leakedTensors: finished.memory.leaked.tensors,
      leakedBytes: finished.memory.leaked.bytes,
      bytesAfter: finished.memory.after.numBytes,
      keptBytes: finished.memory.kept.bytes,
      gpuTensorBytesAfter: finished.memory.after.gpu?.tensorBytes,
      gpuPooledBytesAfter: finished.memory.after.gpu?.pooledBytes,
    });
  }
  const beforeFree = kernel.supervisor.lastMemory;
  const freed = new Promise<Extract<HostEvent, { type: 'memory-freed' }>>((resolve) => {
    const subscription = kernel.supervisor.onEvent((event) => {
      if (event.type === 'memory-freed') {
        subscription.dispose();
        resolve(event);
      }
    });
  });
  // "Free memory" after clearing the namespace: everything, the backend's pool included, goes.
  await kernel.supervisor.resetNamespace();
  await kernel.supervisor.freeMemory();
  const afterFree = (await freed).after;
  await kernel.supervisor.shutdown();
  return { fresh, beforeFree, afterFree, cycles };
}

const benchmark: Benchmark = {
  name: 'gpu',
  description: 'plain tfjs vs Lossbook cell on webgpu (and wasm), and GPU memory over 20 interrupt cycles',
  async run() {
    const webgpu = await throughputs('webgpu');
    const wasm = await throughputs('wasm');
    const cycleBackend: BackendName = webgpu.available ? 'webgpu' : 'wasm';
    const flags = await flagsAndProfile(cycleBackend);
    const cycles = await interruptCycles(cycleBackend);
    // The namespace keeps the last cycle's model and data (top-level names): after the first
    // cycle, memory must stay exactly at that level (no growth), and every run must leak 0.
    const steady = cycles.cycles.slice(1).every((c) => c.bytesAfter === cycles.cycles[0]?.bytesAfter && c.gpuTensorBytesAfter === cycles.cycles[0]?.gpuTensorBytesAfter);
    const noLeaks = cycles.cycles.every((c) => c.leakedBytes === 0 && c.leakedTensors === 0);
    const tensorBytesLeft = (cycles.afterFree.gpu?.tensorBytes ?? cycles.afterFree.numBytes) - (cycles.fresh?.gpu?.tensorBytes ?? cycles.fresh?.numBytes ?? 0);
    const ratios = [...webgpu.rows, ...wasm.rows].filter((r) => r.backend === cycleBackend && typeof r.ratio === 'number').map((r) => r.ratio as number);
    const mlp1024 = webgpu.rows.find((r) => r.hidden === 1024 && r.batch === 1024);
    // The device text is "<GPU name> (WebGPU through Dawn, …; flags …)": the name alone names the file.
    const deviceSlug = webgpu.available ? String(webgpu.device ?? 'gpu').split(' (')[0]!.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) : 'no-gpu';
    // webgpu on a software adapter (Mesa's lavapipe: Vulkan on the CPU) runs the real webgpu
    // backend code, so its memory results stand; its speed says nothing about a GPU. Not a gpu-* file.
    const software = webgpu.available && webgpu.backendInfo?.isGpu === false;
    return {
      resultName: software ? `webgpu-software-${deviceSlug}` : `gpu-${deviceSlug}`,
      table: [...webgpu.rows, ...wasm.rows, flagsRow(flags)].map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? Number(v.toPrecision(4)) : String(v ?? '—')]))),
      data: {
        device: webgpu.available ? webgpu.device : undefined,
        ...(software ? { note: 'a software WebGPU adapter (Vulkan on the CPU), not a GPU: the memory targets exercise the real webgpu backend and buffer pool; throughput and flag results do not carry over to a GPU, so no speed target is checked' } : {}),
        webgpu: webgpu.available ? { available: true, backend: webgpu.backendInfo, rows: webgpu.rows } : { available: false, reason: webgpu.reason },
        wasm,
        flagsOnVsOff: flags,
        interruptCycles: { backend: cycleBackend, ...cycles },
        reference: { note: 'shared/gpu-kit/README.md, H100: plain fit 1024/1024 = 18.5k samples/s; PyTorch CUDA 693k', plainFit1024: 18_500, pytorchCuda1024: 693_000 },
      },
      targets: {
        [`0 bytes leaked in ${CYCLES} interrupt cycles, memory flat at what the namespace holds (${cycleBackend})`]: noLeaks && steady,
        ['0 tensor bytes left after clearing the namespace and freeing memory']: tensorBytesLeft === 0,
        ...(webgpu.available
          ? {
              'pool back to a fresh kernel after free memory': (cycles.afterFree.gpu?.pooledBytes ?? Number.POSITIVE_INFINITY) <= (cycles.fresh?.gpu?.pooledBytes ?? 0),
              ...(software
                ? {}
                : {
                    'Lossbook ≥ 0.95× plain tfjs on webgpu': ratios.length > 0 && Math.min(...ratios) >= 0.95,
                    '1024-wide MLP at batch 1024 ≥ 3× 18.5k samples/s': Number(mlp1024?.lossbookSamplesPerSecond ?? 0) >= 3 * 18_500,
                    'webgpu flag defaults do not slow the 1024/1024 step': (flags.speedup ?? 0) >= 0.95,
                  }),
            }
          : { 'Lossbook ≥ 0.95× plain tfjs on wasm (no GPU here)': ratios.length > 0 && Math.min(...ratios) >= 0.95 }),
      },
    };
  },
};

/** The flags-on/off result as a table row beside the throughput rows. */
function flagsRow(flags: Awaited<ReturnType<typeof flagsAndProfile>>): Record<string, unknown> {
  const profile = flags.profile as Record<string, { kernelsPerStep?: number; submitsPerStep?: number } | undefined>;
  return {
    backend: `${flags.backend} flags on/off`,
    hidden: flags.hidden,
    batch: flags.batch,
    plainSamplesPerSecond: flags.flagsOffSamplesPerSecond,
    lossbookSamplesPerSecond: flags.flagsOnSamplesPerSecond,
    ratio: flags.speedup,
    msPerStepLossbook: flags.msPerStepOn,
    reason: `off = LOSSBOOK_WEBGPU_DEFAULTS=off; kernels/step ${profile.on?.kernelsPerStep ?? '?'}, submits/step on ${profile.on?.submitsPerStep ?? '?'} off ${profile.off?.submitsPerStep ?? '?'}`,
  };
}

export default benchmark;
