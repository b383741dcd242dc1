// Picks the tfjs backend: tfjs-node-gpu (CUDA) → webgpu (Dawn) → tfjs-node (native CPU) → wasm →
// cpu (issue 4, issue 11). Every step that is skipped records a reason written for the user
// (shown on the memory strip, by `lossbook doctor` and in reports). A request can force one:
// a setting or CLI flag through the supervisor, or LOSSBOOK_BACKEND; `gpu` means tfjs-node-gpu,
// then webgpu. Whatever loads, cells see one tf instance: the kernel's.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BackendAttempt, BackendInfo, BackendName, BackendRequest } from '../shared/protocol';
import { BACKEND_NAMES, isGpuBackendName, requestedBackends } from '../shared/backends';
import { BackendRequestSchema } from '../shared/protocol';
import type { Tf } from './monitor-api';
import { queryNvidiaGpu } from './gpu-memory';
import { supplyMissingGradients } from './supplied-gradients';
import { supplyMissingKernels } from './supplied-kernels';
import { guardWasmAllocations, type WasmBackendLike } from './wasm-memory';
import { prepareWasmThreads, wasmThreadPlan } from './wasm-threads';
import { installFusedUpdates } from './webgpu-fused-updates';

const require = createRequire(import.meta.url);

export const AUTO_CHAIN: BackendName[] = [...BACKEND_NAMES];

/** The backends a request tries, in order: forced ones first, then the CPU fallbacks. */
export function chainFor(request: BackendRequest): BackendName[] {
  const first = requestedBackends(request);
  // A forced backend that cannot load still leaves a working kernel; its reason is recorded.
  const fallbacks: BackendName[] = first.includes('cpu') ? [] : ['wasm', 'cpu'];
  return [...first, ...fallbacks.filter((name) => !first.includes(name))];
}

/** Reads LOSSBOOK_BACKEND / LOSSBOOK_BACKEND_SOURCE (the supervisor sets both for settings and flags). */
export function requestFromEnvironment(env: NodeJS.ProcessEnv): { request: BackendRequest; requestedBy: BackendInfo['requestedBy']; invalid?: string } {
  const raw = env.LOSSBOOK_BACKEND?.trim();
  if (!raw) return { request: 'auto', requestedBy: 'default' };
  const parsed = BackendRequestSchema.safeParse(raw.toLowerCase());
  const source = env.LOSSBOOK_BACKEND_SOURCE;
  const requestedBy = source === 'setting' || source === 'flag' || source === 'default' ? source : 'env';
  if (!parsed.success) return { request: 'auto', requestedBy: 'default', invalid: raw };
  return { request: parsed.data, requestedBy };
}

export interface BackendSelection {
  tf: Tf;
  info: BackendInfo;
  /**
   * Release memory the backend keeps pooled beyond live tensors. webgpu: destroys the buffer
   * manager's free buffers (live tensors' buffers stay). Others have nothing releasable from
   * JavaScript: wasm memory cannot shrink, tfjs-node's allocator is TensorFlow's own.
   */
  releasePooledMemory(): Promise<string>;
}

interface StepResult {
  ok: boolean;
  reason?: string;
  device?: string;
  gpu?: BackendInfo['gpu'];
  tf?: Tf;
  /** webgpu on a software adapter (llvmpipe, SwiftShader): it runs, on the CPU. */
  software?: boolean;
}

export interface SelectOptions {
  request: BackendRequest;
  requestedBy: BackendInfo['requestedBy'];
  /** For tests: resolve modules as if from another place (defaults to the kernel's own). */
  requireModule?: (name: string) => unknown;
}

export async function selectBackend(options: SelectOptions): Promise<BackendSelection> {
  const load = options.requireModule ?? ((name: string) => require(name) as unknown);
  // Emscripten's Node glue (the wasm backend) installs process handlers that rethrow every
  // unhandled rejection, which would end the kernel; the kernel reports those to the run instead.
  const listenersBefore = {
    uncaughtException: new Set(process.listeners('uncaughtException')),
    unhandledRejection: new Set(process.listeners('unhandledRejection')),
  };
  let tf = load('@tensorflow/tfjs') as Tf;
  const attempts: BackendAttempt[] = [];
  let chosen: { name: BackendName; step: StepResult } | undefined;
  for (const name of chainFor(options.request)) {
    const started = performance.now();
    let step: StepResult;
    try {
      step = await tryBackend(name, tf, load, attempts, options.request);
    } catch (error) {
      step = { ok: false, reason: `${name} failed to load: ${firstLine(error)}` };
    }
    attempts.push({ backend: name, ok: step.ok, ...(step.reason ? { reason: step.reason } : {}), ms: Math.round(performance.now() - started) });
    if (step.ok) {
      if (step.tf) tf = step.tf;
      chosen = { name, step };
      break;
    }
  }
  if (!chosen) throw new Error('No tfjs backend could be initialized, not even the JavaScript CPU backend.');
  await tf.ready();
  // tfjs's CPU backend prints a "install our node backend" banner on first use; it would land in
  // the first cell's output. Lossbook says which backend runs and why (perf.backend-fallback).
  const cpuBackend = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpuBackend && 'firstUse' in cpuBackend) cpuBackend.firstUse = false;
  // Fill the backend's kernel gaps (a wasm conv net's first backward pass needs
  // Conv2DBackpropFilter, which tfjs-backend-wasm lacks), for the chosen backend and any other a
  // cell may switch to with tf.setBackend.
  const supplied = supplyKernelGaps(tf);
  for (const listener of process.listeners('uncaughtException')) {
    if (!listenersBefore.uncaughtException.has(listener)) process.off('uncaughtException', listener);
  }
  for (const listener of process.listeners('unhandledRejection')) {
    if (!listenersBefore.unhandledRejection.has(listener)) process.off('unhandledRejection', listener);
  }
  const info: BackendInfo = {
    name: chosen.name,
    requested: options.request,
    requestedBy: options.requestedBy,
    attempts,
    ...(chosen.step.device ? { device: chosen.step.device } : {}),
    ...(chosen.step.gpu ? { gpu: chosen.step.gpu } : {}),
    tfjsVersion: String((tf.version as Record<string, string>)['tfjs'] ?? tf.version_core),
    isGpu: isGpuBackendName(chosen.name) && !chosen.step.software,
    ...(supplied[tf.getBackend()] ? { suppliedKernels: supplied[tf.getBackend()] } : {}),
  };
  return { tf, info, releasePooledMemory: () => releasePooledMemory(tf, chosen.name) };
}

type SuppliedKernelNames = NonNullable<BackendInfo['suppliedKernels']>;

function supplyKernelGaps(tf: Tf): Record<string, SuppliedKernelNames> {
  supplyMissingGradients(tf);
  const byBackend: Record<string, SuppliedKernelNames> = {};
  const registry = (tf.engine() as unknown as { registryFactory: Record<string, unknown> }).registryFactory;
  for (const backendName of Object.keys(registry)) {
    const supplied = supplyMissingKernels(tf, backendName);
    if (supplied.length === 0) continue;
    const named = (implementation: string) => supplied.filter((kernel) => kernel.implementation === implementation).map((kernel) => kernel.kernelName);
    byBackend[backendName] = { composed: named('composed'), corrected: named('corrected'), cpuFallback: named('cpu-fallback'), unsupported: named('unsupported') };
  }
  return byBackend;
}

async function tryBackend(name: BackendName, tf: Tf, load: (name: string) => unknown, attempts: BackendAttempt[], request: BackendRequest): Promise<StepResult> {
  switch (name) {
    case 'tensorflow-gpu':
      return tryTensorflowNode(tf, load, true, attempts);
    case 'tensorflow':
      return tryTensorflowNode(tf, load, false, attempts);
    case 'webgpu':
      // A software adapter is used only when webgpu itself was asked for.
      return tryWebgpu(tf, load, request === 'webgpu');
    case 'wasm':
      return tryWasm(tf, load);
    case 'cpu': {
      const ok = await tf.setBackend('cpu');
      return ok ? { ok, device: 'JavaScript CPU (slowest; for small models)' } : { ok, reason: 'the JavaScript CPU backend failed to initialize' };
    }
  }
}

/**
 * tfjs-node and tfjs-node-gpu both register the backend 'tensorflow' (libtensorflow through
 * N-API). The GPU package loads even without a usable GPU — TensorFlow then runs on the CPU —
 * so the GPU step checks `isGPUPackage && isUsingGpuDevice` as tfjs-node-gpu documents.
 */
async function tryTensorflowNode(tf: Tf, load: (name: string) => unknown, gpu: boolean, attempts: BackendAttempt[]): Promise<StepResult> {
  const packageName = gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
  const gpuStep = attempts.find((attempt) => attempt.backend === 'tensorflow-gpu');
  if (!gpu && gpuStep?.reason?.includes('found no CUDA GPU')) {
    // The GPU build is loaded and registered 'tensorflow' already; it is a fine native CPU backend.
    const ok = await tf.setBackend('tensorflow');
    return ok ? { ok, device: 'TensorFlow native CPU (through tfjs-node-gpu, no GPU found)' } : { ok, reason: 'the native TensorFlow backend failed to initialize' };
  }
  let nodeTf: Tf;
  try {
    nodeTf = load(packageName) as Tf;
  } catch (error) {
    if (isModuleNotFound(error, packageName)) {
      return {
        ok: false,
        reason: gpu
          ? `${packageName} is not installed (it needs Linux x64 with CUDA 11.2 and cuDNN 8.1, and downloads libtensorflow when installed)`
          : `${packageName} is not installed (its install downloads libtensorflow; npm install ${packageName} where downloads are allowed)`,
      };
    }
    return { ok: false, reason: `${packageName} is installed but failed to load: ${firstLine(error)}` };
  }
  const ok = await nodeTf.setBackend('tensorflow');
  if (!ok) return { ok: false, reason: `${packageName} loaded but its TensorFlow backend failed to initialize` };
  const backend = nodeTf.backend() as unknown as { isGPUPackage?: boolean; isUsingGpuDevice?: boolean };
  if (gpu) {
    if (!(backend.isGPUPackage && backend.isUsingGpuDevice)) {
      return { ok: false, reason: `${packageName} loaded, but TensorFlow found no CUDA GPU (check the NVIDIA driver, CUDA 11.2 and cuDNN 8.1)` };
    }
    const nvidia = queryNvidiaGpu();
    return {
      ok: true,
      tf: nodeTf,
      device: nvidia ? `${nvidia.name} (CUDA, driver ${nvidia.driver})` : 'NVIDIA GPU (CUDA through libtensorflow)',
      ...(nvidia ? { gpu: { vendor: 'NVIDIA', device: nvidia.name, description: nvidia.name, driver: nvidia.driver } } : {}),
    };
  }
  return { ok: true, tf: nodeTf, device: 'TensorFlow native CPU (tfjs-node)' };
}

/**
 * The loading order the gpu-kit README documents: `create` and `globals` from the `webgpu`
 * package, globals assigned and navigator.gpu defined before the tfjs webgpu backend is first
 * imported (it registers itself only if navigator.gpu exists).
 */
async function tryWebgpu(tf: Tf, load: (name: string) => unknown, allowSoftware: boolean): Promise<StepResult> {
  let webgpu: { create: (options: string[]) => GpuLike; globals: Record<string, unknown> };
  try {
    webgpu = load('webgpu') as typeof webgpu;
  } catch (error) {
    if (isModuleNotFound(error, 'webgpu')) return { ok: false, reason: 'the optional package `webgpu` (Dawn for Node) is not installed' };
    return { ok: false, reason: `the \`webgpu\` package failed to load on this platform: ${firstLine(error)}` };
  }
  Object.assign(globalThis, webgpu.globals);
  const gpu = webgpu.create([]);
  const hadNavigator = Object.prototype.hasOwnProperty.call(globalThis, 'navigator');
  const previousNavigator = (globalThis as { navigator?: unknown }).navigator;
  Object.defineProperty(globalThis, 'navigator', { value: { ...(typeof previousNavigator === 'object' ? previousNavigator : {}), gpu }, configurable: true, writable: true });
  const undo = () => {
    if (hadNavigator) Object.defineProperty(globalThis, 'navigator', { value: previousNavigator, configurable: true, writable: true });
    else delete (globalThis as { navigator?: unknown }).navigator;
  };
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    undo();
    return { ok: false, reason: noAdapterReason() };
  }
  const adapterInfo = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
  const label = adapterInfo.description || [adapterInfo.vendor, adapterInfo.architecture, adapterInfo.device].filter(Boolean).join(' ') || 'GPU';
  // Mesa's lavapipe (in mesa-vulkan-drivers, on many Linux desktops and VMs) and SwiftShader are
  // Vulkan on the CPU: WebGPU works there, but an MNIST MLP trained 5× slower than on wasm.
  const software = adapterInfo.isFallbackAdapter === true || adapter.isFallbackAdapter === true;
  if (software && !allowSoftware) {
    undo();
    return { ok: false, reason: `webgpu found only a software adapter (${label}), which runs on the CPU and is slower than wasm; choose the webgpu backend explicitly to use it anyway` };
  }
  try {
    load('@tensorflow/tfjs-backend-webgpu');
  } catch (error) {
    undo();
    if (isModuleNotFound(error, '@tensorflow/tfjs-backend-webgpu')) return { ok: false, reason: '@tensorflow/tfjs-backend-webgpu is not installed' };
    return { ok: false, reason: `@tensorflow/tfjs-backend-webgpu failed to load: ${firstLine(error)}` };
  }
  const ok = await tf.setBackend('webgpu').catch(() => false);
  if (!ok) {
    tf.removeBackend('webgpu');
    undo();
    return { ok: false, reason: 'a GPU adapter was found but the tfjs WebGPU backend failed to initialize on it (see the kernel log)' };
  }
  // Only once webgpu is the backend: its flags are registered (by the package's import) and
  // read at every dispatch, so they take effect from the first cell on.
  const flags = applyWebgpuFlags(tf.env(), webgpuFlagPlan(process.env));
  // One dispatch per variable for the optimizer update (issue 18, webgpu-fused-updates.ts).
  const fusion = /^(0|off|false|no)$/i.test(process.env.LOSSBOOK_WEBGPU_FUSION?.trim() ?? '') ? undefined : installFusedUpdates(tf);
  const gpuInfo = {
    ...(adapterInfo.vendor ? { vendor: adapterInfo.vendor } : {}),
    ...(adapterInfo.architecture ? { architecture: adapterInfo.architecture } : {}),
    ...(adapterInfo.device ? { device: adapterInfo.device } : {}),
    ...(adapterInfo.description ? { description: adapterInfo.description } : {}),
  };
  const nvidia = adapterInfo.vendor?.toLowerCase().includes('nvidia') ? queryNvidiaGpu() : undefined;
  return {
    ok: true,
    device: `${nvidia?.name ?? label} (WebGPU through Dawn${software ? ' on a software adapter: runs on the CPU' : ''}${nvidia ? `, driver ${nvidia.driver}` : ''}${flags.length ? `; ${describeWebgpuFlags(flags)}` : ''}${fusion ? `; ${fusion.describe}` : ''})`,
    gpu: { ...gpuInfo, ...(nvidia ? { driver: nvidia.driver } : {}) },
    ...(software ? { software } : {}),
  };
}

// ───────────── webgpu flags: the kernel's defaults (issue 11 "Speed") ─────────────

/**
 * Lossbook's defaults for flags that tfjs-backend-webgpu registers (dist/flags_webgpu.js), chosen
 * to cut the fixed cost of a training step. Only flags whose effect was checked in the backend's
 * source are set:
 * - WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE (tfjs default 15): recordAndSubmit() ends the compute pass
 *   and calls queue.submit() every N dispatches; a training step of an MLP is hundreds of
 *   dispatches, so 15 means tens of submits per step. Any readback (dataSync, data(), the loss
 *   that fit reports) submits what is queued anyway, so batching costs no latency. The cost: the
 *   uniform buffers and the buffers of tensors disposed meanwhile return to the pool only at the
 *   next submit, so up to N dispatches' worth stays pending. Measured on an H100
 *   (shared/gpu-kit/README.md): 55 → 46 ms per step with 1000.
 * Left at tfjs's defaults on purpose: WEBGPU_CPU_FORWARD (true: small CPU-resident inputs run on
 * the CPU instead of an upload + dispatch + readback, already the cheap path),
 * WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD (read once when the package is imported; setting it later has
 * no effect), WEBGPU_MATMUL_PROGRAM_TYPE / WEBGPU_THRESHOLD_TO_INCREASE_WORKGROUPS_FOR_MATMUL
 * (shader choice and occupancy, not fixed cost: measure before changing), and the debugging
 * flags (WEBGPU_PRINT_SHADER, WEBGPU_USE_PROFILE_TOOL, WEBGPU_USE_NAIVE_CONV2D_DEBUG,
 * WEBGPU_ENGINE_COMPILE_ONLY).
 */
export const WEBGPU_FLAG_DEFAULTS: Readonly<Record<string, number | boolean>> = {
  WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE: 1000,
};

export interface WebgpuFlagSetting {
  flag: string;
  value: number | boolean | string;
  /** 'lossbook': the kernel's default; 'env': an environment variable of the same name. */
  source: 'lossbook' | 'env';
}

/**
 * The webgpu flags the kernel sets, from the environment: Lossbook's defaults unless
 * LOSSBOOK_WEBGPU_DEFAULTS is 0/off/false, and any WEBGPU_* variable (named as the tfjs flag,
 * e.g. WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=15) overriding or adding. A cell can still change any
 * flag later with tf.env().set(...): the backend reads them at each dispatch.
 */
export function webgpuFlagPlan(env: NodeJS.ProcessEnv): WebgpuFlagSetting[] {
  const defaultsOff = /^(0|off|false|no)$/i.test(env.LOSSBOOK_WEBGPU_DEFAULTS?.trim() ?? '');
  const plan = new Map<string, WebgpuFlagSetting>();
  if (!defaultsOff) for (const [flag, value] of Object.entries(WEBGPU_FLAG_DEFAULTS)) plan.set(flag, { flag, value, source: 'lossbook' });
  for (const [name, raw] of Object.entries(env)) {
    if (!/^WEBGPU_[A-Z0-9_]+$/.test(name) || raw === undefined || raw.trim() === '') continue;
    plan.set(name, { flag: name, value: parseFlagValue(raw.trim()), source: 'env' });
  }
  return [...plan.values()].sort((a, b) => a.flag.localeCompare(b.flag));
}

function parseFlagValue(raw: string): number | boolean | string {
  if (/^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return raw;
}

export interface AppliedWebgpuFlag extends WebgpuFlagSetting {
  /** False when tfjs refused it (a flag name tfjs does not register); reason says why. */
  applied: boolean;
  reason?: string;
}

/** Sets the planned flags on the real tf.env(); a flag tfjs does not know is reported, not fatal. */
export function applyWebgpuFlags(environment: { set(flag: string, value: number | boolean | string): void }, plan: readonly WebgpuFlagSetting[]): AppliedWebgpuFlag[] {
  return plan.map((setting) => {
    try {
      environment.set(setting.flag, setting.value);
      return { ...setting, applied: true };
    } catch (error) {
      return { ...setting, applied: false, reason: firstLine(error) };
    }
  });
}

/** For BackendInfo.device: "flags WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=1000 (Lossbook default)". */
export function describeWebgpuFlags(flags: readonly AppliedWebgpuFlag[]): string {
  const parts = flags.map((f) => `${f.flag}=${String(f.value)} (${f.applied ? (f.source === 'lossbook' ? 'Lossbook default' : 'from environment') : `ignored: ${f.reason ?? 'unknown flag'}`})`);
  return `flags ${parts.join(', ')}`;
}

interface GpuLike {
  requestAdapter(options?: Record<string, unknown>): Promise<AdapterLike | null>;
}
interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  /** A software (CPU) implementation such as lavapipe or SwiftShader (GPUAdapterInfo.isFallbackAdapter). */
  isFallbackAdapter?: boolean;
}
interface AdapterLike {
  info?: AdapterInfoLike;
  requestAdapterInfo?: () => Promise<AdapterInfoLike>;
  /** Where isFallbackAdapter lived before it moved to GPUAdapterInfo. */
  isFallbackAdapter?: boolean;
}

function noAdapterReason(): string {
  if (process.platform === 'linux') {
    const loaderPaths = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1', '/usr/lib64/libvulkan.so.1', '/usr/lib/libvulkan.so.1'];
    if (!loaderPaths.some((path) => existsSync(path))) {
      return 'webgpu found no GPU adapter: the Vulkan loader (libvulkan.so.1) is not installed — install libvulkan1 and your GPU vendor’s Vulkan driver';
    }
    return 'webgpu found no GPU adapter: no Vulkan device Dawn can use (no GPU driver with Vulkan, or a Vulkan driver without the features Dawn requires)';
  }
  return `webgpu found no GPU adapter on ${process.platform} (${process.platform === 'darwin' ? 'Metal' : 'D3D12'} device unavailable)`;
}

async function tryWasm(tf: Tf, load: (name: string) => unknown): Promise<StepResult> {
  let wasm: { setWasmPaths(prefix: string): void; getThreadsCount?: () => number; setThreadsCount?: (threads: number) => void };
  try {
    wasm = load('@tensorflow/tfjs-backend-wasm') as typeof wasm;
  } catch (error) {
    if (isModuleNotFound(error, '@tensorflow/tfjs-backend-wasm')) return { ok: false, reason: '@tensorflow/tfjs-backend-wasm is not installed' };
    return { ok: false, reason: `@tensorflow/tfjs-backend-wasm failed to load: ${firstLine(error)}` };
  }
  // The .wasm binaries sit in the package's dist folder; Node reads them from disk.
  const distFolder = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  if (!existsSync(join(distFolder, 'tfjs-backend-wasm.wasm'))) return { ok: false, reason: `the wasm binaries are missing from ${distFolder}` };
  try {
    wasm.setWasmPaths(`${distFolder}/`);
  } catch {
    // Already set by an earlier initialization in this process: the paths stay valid.
  }
  // Every core (issue 18): tfjs never loads its threaded build in Node; wasm-threads.ts says why.
  const threading = await prepareWasmThreads(tf.env(), wasm, require.resolve('@tensorflow/tfjs-backend-wasm'), wasmThreadPlan(process.env));
  let ok = await tf.setBackend('wasm').catch(() => false);
  threading.done();
  let threadNote = threading.reason;
  if (!ok && threading.threads > 1) {
    threading.disable();
    ok = await tf.setBackend('wasm').catch(() => false);
    threadNote = 'the threaded build failed to start; single-threaded';
  }
  if (!ok) return { ok: false, reason: 'the wasm backend failed to initialize (see the kernel log)' };
  // tfjs-backend-wasm does not check malloc: out of memory would corrupt the heap (wasm-memory.ts).
  guardWasmAllocations(tf.backend() as unknown as WasmBackendLike, () => tf.memory().numBytes);
  const simd = await Promise.resolve(tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')).catch(() => false);
  const threads = wasm.getThreadsCount?.() ?? 1;
  return { ok: true, device: `WebAssembly${simd ? ' SIMD' : ''}, ${threads} thread${threads === 1 ? '' : 's'}${threadNote ? ` (${threadNote})` : ''}` };
}

async function releasePooledMemory(tf: Tf, name: BackendName): Promise<string> {
  if (name === 'webgpu') {
    const backend = tf.backend() as unknown as {
      bufferManager?: WebgpuBufferManager;
      ensureCommandEncoderReady?: () => void;
      endComputePassEncoder?: () => void;
      submitQueue?: () => void;
      device?: { queue?: { onSubmittedWorkDone?: () => Promise<void> } };
    };
    // Buffers of disposed tensors still used by queued commands return to the pool only after
    // the queue is submitted and done; release them first so the pool can shrink to zero. This is
    // the backend's own flush sequence (getBufferData): submitQueue alone throws when nothing is
    // queued (it finishes a null command encoder), which left the whole pool in place.
    if (backend.ensureCommandEncoderReady && backend.endComputePassEncoder && backend.submitQueue) {
      backend.ensureCommandEncoderReady();
      backend.endComputePassEncoder();
      backend.submitQueue();
    }
    await backend.device?.queue?.onSubmittedWorkDone?.();
    const manager = backend.bufferManager;
    if (!manager?.freeBuffers) return 'webgpu: no buffer manager found; nothing released';
    let released = 0;
    let count = 0;
    // Keep the map's keys: releaseBuffer() returns early when freeBuffers is empty.
    for (const buffers of manager.freeBuffers.values()) {
      for (const buffer of buffers) {
        released += buffer.size;
        count += 1;
        buffer.destroy();
      }
      buffers.length = 0;
    }
    manager.numBytesAllocated -= released;
    manager.numFreeBuffers -= count;
    return `webgpu: destroyed ${count} pooled GPU buffers (${released} bytes); buffers of live tensors were kept`;
  }
  if (name === 'wasm') return 'wasm: WebAssembly memory cannot shrink; freed tensors are reused by the wasm heap';
  if (name === 'tensorflow' || name === 'tensorflow-gpu') return 'tensorflow: TensorFlow keeps its own allocator pool; only a kernel restart returns it to the system';
  return 'cpu: nothing pooled (freed tensors are garbage collected)';
}

interface WebgpuBufferManager {
  freeBuffers: Map<string, Array<{ size: number; destroy(): void }>>;
  numBytesAllocated: number;
  numFreeBuffers: number;
}

function isModuleNotFound(error: unknown, name: string): boolean {
  const code = (error as { code?: string }).code;
  return (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && String((error as Error).message).includes(name);
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0] ?? 'unknown error';
}
