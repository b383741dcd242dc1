// Kernels the active backend lacks, supplied by Lossbook when the kernel process sets up its
// backend (issue 18: "train any model on any backend"). The gap is found, not listed by hand:
// every kernel tfjs's CPU backend registers that the active backend does not. For each one:
// - a composed implementation (composed-kernels.ts) where Lossbook has one and the backend has
//   its building blocks: it runs at the backend's speed;
// - otherwise the CPU backend's own kernel, run on a copy of the inputs, its outputs written back
//   to the active backend and every CPU-side buffer freed (no engine tensor is ever made, so the
//   run's tensor count and the leak meter stay exact);
// - a kernel the backend has but computes wrongly (wasm's MaxPoolGrad drops the gradient of
//   windows whose values are all negative) is wrapped so its own kernel gets inputs it handles right;
// - kernels over complex64 (FFT, Real, …) cannot be supplied to a backend that cannot store
//   complex numbers: they fail with a message saying so and what to do instead.
// Every supplied kernel counts its calls and time, so a run can say what falling back cost
// (perf.kernel-fallback).
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { COMPOSED_KERNELS, CORRECTED_KERNELS, composedKernelConfig, type DataBackend } from './composed-kernels';
import type { Tf } from './monitor-api';

export type SuppliedImplementation = 'composed' | 'corrected' | 'cpu-fallback' | 'unsupported';

export interface SuppliedKernel {
  kernelName: string;
  backend: string;
  implementation: SuppliedImplementation;
}

export interface SuppliedKernelUsage extends SuppliedKernel {
  calls: number;
  ms: number;
}

/** Kernels whose inputs or outputs are complex64, which only the CPU (and tfjs-node) backends store. */
const COMPLEX_KERNELS = new Set(['Complex', 'ComplexAbs', 'FFT', 'IFFT', 'RFFT', 'IRFFT', 'Imag', 'Real']);
/** Draws to a browser canvas: there is none in the kernel process. */
const NOT_APPLICABLE = new Set(['Draw']);

/** Backends whose kernels are the reference the others are filled from. */
const REFERENCE_BACKEND = 'cpu';

const usage = new Map<string, SuppliedKernelUsage>();
const registered = new Map<string, SuppliedKernel[]>();

/** Kernels the CPU backend has and `backendName` does not, sorted by name. */
export function missingKernels(tf: Tf, backendName: string): string[] {
  const present = new Set(tf.getKernelsForBackend(backendName).map((kernel) => kernel.kernelName));
  return tf
    .getKernelsForBackend(REFERENCE_BACKEND)
    .map((kernel) => kernel.kernelName)
    .filter((name) => !present.has(name))
    .sort();
}

/**
 * Registers a kernel for everything `backendName` lacks (once per backend; later calls return
 * what the first registered). Returns what was supplied and how.
 */
export function supplyMissingKernels(tf: Tf, backendName: string): SuppliedKernel[] {
  const already = registered.get(backendName);
  if (already) return already;
  if (backendName === REFERENCE_BACKEND) {
    registered.set(backendName, []);
    return [];
  }
  const supplied: SuppliedKernel[] = [];
  for (const kernelName of missingKernels(tf, backendName)) {
    if (NOT_APPLICABLE.has(kernelName)) continue;
    const composed = COMPOSED_KERNELS.find((kernel) => kernel.kernelName === kernelName);
    const composedConfig = composed ? composedKernelConfig(tf, backendName, composed) : null;
    const implementation: SuppliedImplementation = composedConfig ? 'composed' : COMPLEX_KERNELS.has(kernelName) ? 'unsupported' : 'cpu-fallback';
    const config = composedConfig ?? (implementation === 'unsupported' ? unsupportedKernelConfig(kernelName, backendName) : cpuFallbackConfig(tf, kernelName, backendName));
    if (!config) continue;
    tf.registerKernel(counted(config, { kernelName, backend: backendName, implementation }));
    supplied.push({ kernelName, backend: backendName, implementation });
  }
  for (const correction of CORRECTED_KERNELS[backendName] ?? []) {
    const original = tf.getKernel(correction.kernelName, backendName);
    if (!original) continue;
    const config = composedKernelConfig(tf, backendName, { kernelName: correction.kernelName, uses: correction.uses, compute: correction.wrap(original.kernelFunc) }, original);
    if (!config) continue;
    tf.unregisterKernel(correction.kernelName, backendName);
    tf.registerKernel(counted(config, { kernelName: correction.kernelName, backend: backendName, implementation: 'corrected' }));
    supplied.push({ kernelName: correction.kernelName, backend: backendName, implementation: 'corrected' });
  }
  registered.set(backendName, supplied);
  return supplied;
}

/** Calls and time of every supplied kernel since the process started (a run takes differences). */
export function suppliedKernelUsage(): SuppliedKernelUsage[] {
  return [...usage.values()].map((entry) => ({ ...entry }));
}

/** What ran between two usage snapshots, kernels that were not called left out. */
export function usageSince(before: readonly SuppliedKernelUsage[], after: readonly SuppliedKernelUsage[] = suppliedKernelUsage()): SuppliedKernelUsage[] {
  const start = new Map(before.map((entry) => [`${entry.backend}/${entry.kernelName}`, entry]));
  return after
    .map((entry) => {
      const earlier = start.get(`${entry.backend}/${entry.kernelName}`);
      return { ...entry, calls: entry.calls - (earlier?.calls ?? 0), ms: entry.ms - (earlier?.ms ?? 0) };
    })
    .filter((entry) => entry.calls > 0);
}

function counted(config: KernelConfig, kernel: SuppliedKernel): KernelConfig {
  const key = `${kernel.backend}/${kernel.kernelName}`;
  const entry: SuppliedKernelUsage = usage.get(key) ?? { ...kernel, calls: 0, ms: 0 };
  usage.set(key, entry);
  const inner = config.kernelFunc;
  return {
    ...config,
    kernelFunc: (args) => {
      const start = performance.now();
      try {
        return inner(args);
      } finally {
        entry.calls += 1;
        entry.ms += performance.now() - start;
      }
    },
  };
}

interface ReferenceBackend extends DataBackend {
  readSync(dataId: object): ArrayLike<number> | Uint8Array[];
}

/**
 * The CPU backend's kernel on copies of the inputs. Only plain-data dtypes cross: a complex64
 * input would need the CPU backend's complex bookkeeping, and those kernels are not routed here.
 */
function cpuFallbackConfig(tf: Tf, kernelName: string, backendName: string): KernelConfig | null {
  const reference = tf.getKernel(kernelName, REFERENCE_BACKEND);
  if (!reference) return null;
  return {
    kernelName,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const active = backend as unknown as DataBackend;
      const cpu = tf.findBackend(REFERENCE_BACKEND) as unknown as ReferenceBackend | null;
      if (!cpu) throw new Error(`Lossbook cannot run '${kernelName}' on ${backendName}: the tfjs CPU backend is not available to fall back on.`);
      const copies: TensorInfo[] = [];
      const outputsOnCpu: TensorInfo[] = [];
      const read = (info: TensorInfo) => {
        try {
          return active.readSync(info.dataId);
        } catch (error) {
          // webgpu in Node cannot read a GPU buffer synchronously, and a kernel cannot wait.
          throw new Error(`'${kernelName}' has no ${backendName} kernel, and Lossbook's CPU fallback cannot read its input synchronously on ${backendName} (${String((error as Error).message ?? error).split('\n')[0]}). Run this part on the CPU backend: await tf.setBackend('cpu').`);
        }
      };
      const copy = (info: TensorInfo): TensorInfo => {
        const moved = { dataId: cpu.write(read(info), info.shape, info.dtype), shape: info.shape, dtype: info.dtype } as TensorInfo;
        copies.push(moved);
        return moved;
      };
      try {
        const cpuInputs: Record<string, TensorInfo> | TensorInfo[] = Array.isArray(inputs) ? (inputs as TensorInfo[]).map(copy) : Object.fromEntries(Object.entries(inputs).map(([name, info]) => [name, copy(info as TensorInfo)]));
        const result = reference.kernelFunc({ inputs: cpuInputs as never, backend: cpu as never, attrs: attrs ?? {} });
        const outputs = Array.isArray(result) ? result : [result];
        outputsOnCpu.push(...outputs);
        const back = outputs.map((out) => {
          if (out.dtype === 'complex64') throw new Error(`'${kernelName}' produced a complex64 tensor, which the ${backendName} backend cannot store.`);
          return { dataId: active.write(cpu.readSync(out.dataId), out.shape, out.dtype), shape: out.shape, dtype: out.dtype } as TensorInfo;
        });
        return Array.isArray(result) ? back : back[0]!;
      } finally {
        // An output can be an input's buffer (identity-like kernels): free each buffer once.
        const freed = new Set<object>();
        for (const info of [...copies, ...outputsOnCpu]) {
          if (freed.has(info.dataId)) continue;
          freed.add(info.dataId);
          cpu.disposeData(info.dataId, true);
        }
      }
    },
  };
}

function unsupportedKernelConfig(kernelName: string, backendName: string): KernelConfig {
  return {
    kernelName,
    backendName,
    kernelFunc: () => {
      throw new Error(`'${kernelName}' works on complex64 tensors, which the ${backendName} backend cannot store. Run this part on the CPU backend: await tf.setBackend('cpu') (or lossbook run --backend cpu).`);
    },
  };
}
