// Fewer dispatches per GPU step (issue 18): one WGSL compute dispatch per variable for the
// optimizer update on webgpu, instead of the ~14 elementwise kernels tfjs runs for each variable
// with Adam (mul, mul, add, square, mul, mul, add, div, div, sqrt, add, div, mul, add).
//
// On webgpu every tfjs kernel pays a fixed CPU-side cost — a uniform buffer, a bind group, the
// binding calls — that does not depend on the tensor's size (shared/gpu-kit/README.md: an H100
// step cost 46–76 ms whatever the model size). For a 784-64-64-10 MLP with Adam, 86 of the 139
// dispatches of a training step are the optimizer's.
//
// Why not through the backend's runWebGPUProgram: a tfjs WebGPUProgram has exactly one writable
// binding (its output; the inputs are declared `var<storage, read>`), and an Adam update writes
// three tensors (the variable, m and v). Writing them in place is not an option either — tfjs
// tensors are immutable and a clone shares the buffer, so an in-place write would change the
// user's snapshots (and the monitor's). So the update is a tfjs kernel of its own, registered for
// the webgpu backend (it runs through engine.runKernel: tracked, tidied, profiled like any
// kernel) whose kernel function records one dispatch with fresh output buffers the way the
// backend's recordAndSubmit does: the same command encoder and compute pass, the same uniform
// buffer pool, the same bookkeeping of which tensors the queued commands use, and the same
// submit batching (WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE). The optimizer then assigns the outputs to
// its variables, exactly as tfjs's own applyGradients does.
//
// Semantics kept: the optimizers' state variables (m, v, accumulators) are created, named and
// assigned as tfjs creates, names and assigns them, so getWeights/setWeights, dispose and
// `iterations` work unchanged; Adam's accBeta1/accBeta2 are kept equal to beta^(iterations+1), as
// tfjs's setWeights sets them. The arithmetic follows tfjs's order of operations, so the weights
// match plain tfjs within float32 rounding (webgpu-fused-updates.test.ts trains both and compares).
// Anything else falls back to tfjs's own code: another backend, a non-float32 variable, centered
// RMSProp (it would need 9 storage buffers; tfjs's device has WebGPU's default 8 per stage).
import type * as tfType from '@tensorflow/tfjs';
import type { Tf } from './monitor-api';
import { installFusedLayers } from './webgpu-fused-layers';

type TensorInfo = { dataId: object; shape: number[]; dtype: string };

/** One fused update: the tensors it reads, the ones it writes, its scalar parameters, its WGSL body. */
interface UpdateRule {
  kernelName: string;
  inputs: readonly string[];
  outputs: readonly string[];
  params: readonly string[];
  /** WGSL statements for element i: read `<input>[i]`, write `out_<output>[i]`, `p.<param>`, `g` = gradient[i]. */
  body: string;
}

const RULES = {
  sgd: {
    kernelName: 'LossbookFusedSgdUpdate',
    inputs: ['value', 'gradient'],
    outputs: ['value'],
    params: ['negLearningRate'],
    // tfjs: add(mul(c, gradient), value), c = -learningRate
    body: 'out_value[i] = p.negLearningRate * g + value[i];',
  },
  momentum: {
    kernelName: 'LossbookFusedMomentumUpdate',
    inputs: ['value', 'gradient', 'accumulation'],
    outputs: ['value', 'accumulation'],
    params: ['negLearningRate', 'momentum', 'nesterov'],
    // tfjs: acc' = add(mul(m, acc), g); value' = add(mul(c, acc'), value), or with Nesterov
    // add(mul(c, add(g, mul(acc', m))), value)
    body: `let accumulationNew = p.momentum * accumulation[i] + g;
    var step = accumulationNew;
    if (p.nesterov > 0.5) { step = g + accumulationNew * p.momentum; }
    out_value[i] = p.negLearningRate * step + value[i];
    out_accumulation[i] = accumulationNew;`,
  },
  rmsprop: {
    kernelName: 'LossbookFusedRmspropUpdate',
    inputs: ['value', 'gradient', 'meanSquare', 'moment'],
    outputs: ['value', 'meanSquare', 'moment'],
    params: ['decay', 'oneMinusDecay', 'momentum', 'learningRate', 'epsilon'],
    // tfjs: ms' = add(mul(ms, decay), mul(square(g), 1 - decay));
    // mom' = add(mul(mom, momentum), div(mul(g, lr), sqrt(add(ms', eps)))); value' = sub(value, mom')
    body: `let meanSquareNew = meanSquare[i] * p.decay + (g * g) * p.oneMinusDecay;
    let momentNew = moment[i] * p.momentum + (g * p.learningRate) / sqrt(meanSquareNew + p.epsilon);
    out_value[i] = value[i] - momentNew;
    out_meanSquare[i] = meanSquareNew;
    out_moment[i] = momentNew;`,
  },
  adam: {
    kernelName: 'LossbookFusedAdamUpdate',
    inputs: ['value', 'gradient', 'm', 'v'],
    outputs: ['value', 'm', 'v'],
    params: ['beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'oneMinusAccBeta1', 'oneMinusAccBeta2', 'epsilon', 'negLearningRate'],
    // tfjs: m' = add(mul(m, b1), mul(g, 1 - b1)); v' = add(mul(v, b2), mul(square(g), 1 - b2));
    // value' = add(mul(div(div(m', 1 - accB1), add(sqrt(div(v', 1 - accB2)), eps)), -lr), value)
    body: `let mNew = m[i] * p.beta1 + g * p.oneMinusBeta1;
    let vNew = v[i] * p.beta2 + (g * g) * p.oneMinusBeta2;
    let mHat = mNew / p.oneMinusAccBeta1;
    let vHat = vNew / p.oneMinusAccBeta2;
    out_value[i] = (mHat / (sqrt(vHat) + p.epsilon)) * p.negLearningRate + value[i];
    out_m[i] = mNew;
    out_v[i] = vNew;`,
  },
} satisfies Record<string, UpdateRule>;

const WORKGROUP_SIZE = 64;

/** The WGSL of one rule: inputs read-only, one read_write buffer per output, the parameters as a uniform. */
export function updateShader(rule: UpdateRule): string {
  const bindings = [
    ...rule.inputs.map((name, index) => `@group(0) @binding(${index}) var<storage, read> ${name}: array<f32>;`),
    ...rule.outputs.map((name, index) => `@group(0) @binding(${rule.inputs.length + index}) var<storage, read_write> out_${name}: array<f32>;`),
    `@group(0) @binding(${rule.inputs.length + rule.outputs.length}) var<uniform> p: Params;`,
  ];
  return `struct Params { size: u32, ${rule.params.map((name) => `${name}: f32`).join(', ')} };
${bindings.join('\n')}
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = id.x + id.y * groups.x * ${WORKGROUP_SIZE}u;
  if (i >= p.size) { return; }
  let g = gradient[i];
  ${rule.body}
}
`;
}

// ───────────── the dispatch, recorded the way the backend records its own ─────────────

interface GpuPipeline {
  getBindGroupLayout(index: number): unknown;
}
interface GpuDevice {
  createShaderModule(descriptor: { code: string; label?: string }): unknown;
  createComputePipeline(descriptor: { layout: 'auto'; compute: { module: unknown; entryPoint: string }; label?: string }): GpuPipeline;
  createBindGroup(descriptor: { layout: unknown; entries: Array<{ binding: number; resource: unknown }> }): unknown;
  limits: { maxStorageBuffersPerShaderStage: number; maxComputeWorkgroupsPerDimension: number };
}
interface ComputePass {
  setPipeline(pipeline: GpuPipeline): void;
  setBindGroup(index: number, group: unknown): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
}
/** The parts of tfjs-backend-webgpu 4.22's WebGPUBackend that recordAndSubmit uses. */
interface WebgpuBackendInternals {
  device: GpuDevice;
  tensorMap: { get(dataId: object): { resource?: unknown } | undefined };
  makeTensorInfo(shape: number[], dtype: string): TensorInfo;
  uploadToGPU(dataId: object): void;
  makeUniforms(uniforms: Array<{ type: string; data: number[] }>): unknown;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  commandEncoder: { beginComputePass(descriptor: object): ComputePass } | null;
  computePassEncoder: ComputePass | null;
  dispatchCountInPass: number;
  commandQueueOwnedIds: WeakSet<object>;
}

const pipelines = new WeakMap<object, Map<string, GpuPipeline>>();

function looksLikeWebgpuBackend(backend: unknown): backend is WebgpuBackendInternals {
  const candidate = backend as Partial<WebgpuBackendInternals> | null;
  return (
    !!candidate &&
    typeof candidate.makeUniforms === 'function' &&
    typeof candidate.uploadToGPU === 'function' &&
    typeof candidate.ensureCommandEncoderReady === 'function' &&
    typeof candidate.submitQueue === 'function' &&
    !!candidate.device &&
    'dispatchCountInPass' in candidate &&
    candidate.commandQueueOwnedIds instanceof WeakSet
  );
}

function dispatchUpdate(tf: Tf, backend: WebgpuBackendInternals, rule: UpdateRule, inputs: TensorInfo[], params: number[]): TensorInfo[] {
  const size = inputs[0]!.shape.reduce((product, dimension) => product * dimension, 1);
  const outputs = rule.outputs.map(() => backend.makeTensorInfo(inputs[0]!.shape, 'float32'));
  if (size === 0) return outputs;
  for (const tensor of [...inputs, ...outputs]) backend.uploadToGPU(tensor.dataId);
  let cache = pipelines.get(backend.device);
  if (!cache) pipelines.set(backend.device, (cache = new Map()));
  let pipeline = cache.get(rule.kernelName);
  if (!pipeline) {
    const module = backend.device.createShaderModule({ code: updateShader(rule), label: rule.kernelName });
    pipeline = backend.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: rule.kernelName });
    cache.set(rule.kernelName, pipeline);
  }
  const uniforms = backend.makeUniforms([{ type: 'uint32', data: [size] }, ...params.map((value) => ({ type: 'float32', data: [value] }))]);
  const resources = [...inputs, ...outputs].map((tensor) => ({ buffer: backend.tensorMap.get(tensor.dataId)?.resource }));
  const bindGroup = backend.device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [...resources, uniforms].map((resource, binding) => ({ binding, resource })),
  });
  // The queued commands use these buffers: their tensors' disposal waits for the next submit.
  for (const tensor of [...inputs, ...outputs]) backend.commandQueueOwnedIds.add(tensor.dataId);
  backend.ensureCommandEncoderReady();
  if (!backend.computePassEncoder) backend.computePassEncoder = backend.commandEncoder!.beginComputePass({});
  const groups = Math.ceil(size / WORKGROUP_SIZE);
  const perDimension = backend.device.limits.maxComputeWorkgroupsPerDimension;
  const x = Math.min(groups, perDimension);
  backend.computePassEncoder.setPipeline(pipeline);
  backend.computePassEncoder.setBindGroup(0, bindGroup);
  backend.computePassEncoder.dispatchWorkgroups(x, Math.ceil(groups / x), 1);
  backend.dispatchCountInPass += 1;
  if (Number(tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE')) <= backend.dispatchCountInPass) {
    backend.endComputePassEncoder();
    backend.submitQueue();
  }
  return outputs;
}

function registerUpdateKernels(tf: Tf): void {
  for (const rule of Object.values(RULES)) {
    if (tf.getKernel(rule.kernelName, 'webgpu')) continue;
    tf.registerKernel({
      kernelName: rule.kernelName,
      backendName: 'webgpu',
      kernelFunc: ({ inputs, backend, attrs }) => {
        if (!looksLikeWebgpuBackend(backend)) throw new Error(`${rule.kernelName}: the webgpu backend's internals are not the ones of tfjs-backend-webgpu 4.22`);
        const ordered = rule.inputs.map((name) => inputs[name] as unknown as TensorInfo);
        const params = rule.params.map((name) => Number((attrs as Record<string, unknown>)[name]));
        return dispatchUpdate(tf, backend, rule, ordered, params) as unknown as tfType.TensorInfo[];
      },
    });
  }
}

// ───────────── the optimizers ─────────────

type Gradients = tfType.NamedTensorMap | Array<{ name: string; tensor: tfType.Tensor }>;
interface StateSlot {
  originalName: string;
  variable: tfType.Variable;
}

function namedGradients(gradients: Gradients): Array<{ name: string; gradient: tfType.Tensor | undefined }> {
  if (Array.isArray(gradients)) return gradients.map((item) => ({ name: item.name, gradient: item.tensor }));
  return Object.keys(gradients).map((name) => ({ name, gradient: gradients[name] }));
}

export interface FusedUpdates {
  /** Whether the fused updates are used (they are only where the backend is webgpu). */
  enabled: boolean;
  /** Which optimizers were patched, for BackendInfo.device. */
  readonly describe: string;
  /** Restores tfjs's own applyGradients. */
  dispose(): void;
}

/**
 * Patches applyGradients of tfjs's SGD, Momentum, RMSProp and Adam optimizers: where the active
 * backend is webgpu (and every variable is float32), one fused dispatch per variable; elsewhere
 * tfjs's own code. Idempotent per tf instance: a second call returns the first handle.
 */
export function installFusedUpdates(tf: Tf): FusedUpdates {
  // Keyed by the optimizer classes' prototype: one per tfjs instance (a module namespace cannot hold a mark).
  const key = tf.AdamOptimizer.prototype;
  const existing = installed.get(key);
  if (existing) return existing;
  registerUpdateKernels(tf);
  const restore: Array<() => void> = [];
  const handle: FusedUpdates = {
    enabled: true,
    describe: 'fused optimizer updates (Adam, RMSProp, Momentum, SGD: one dispatch per variable), dense+relu and categorical cross-entropy kernels',
    dispose: () => {
      for (const undo of restore.splice(0).reverse()) undo();
      installed.delete(key);
    },
  };
  const engine = tf.engine();
  // The layer-side fusions (webgpu-fused-layers.ts) follow the same switch.
  restore.push(installFusedLayers(tf, () => handle.enabled && tf.getBackend() === 'webgpu'));
  const active = (gradients: Gradients): boolean => {
    if (!handle.enabled || tf.getBackend() !== 'webgpu') return false;
    for (const { name, gradient } of namedGradients(gradients)) {
      const variable = engine.registeredVariables[name];
      if (!variable || variable.dtype !== 'float32' || (gradient && gradient.dtype !== 'float32')) return false;
    }
    return true;
  };
  const run = (rule: UpdateRule, inputs: Record<string, tfType.Tensor>, attrs: Record<string, number>) =>
    engine.runKernel(rule.kernelName, inputs as unknown as tfType.NamedTensorMap, attrs as unknown as tfType.NamedAttrMap) as unknown as tfType.Tensor[];
  const zerosState = (value: tfType.Variable, originalName: string): StateSlot => ({ originalName, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) });

  const patch = <T extends object>(optimizerClass: { prototype: unknown }, fused: (this: T, gradients: Gradients) => void) => {
    const prototype = optimizerClass.prototype as unknown as { applyGradients: (this: T, gradients: Gradients) => void };
    const original = prototype.applyGradients;
    prototype.applyGradients = function (this: T, gradients: Gradients) {
      if (!active(gradients)) return original.call(this, gradients);
      fused.call(this, gradients);
    };
    restore.push(() => {
      prototype.applyGradients = original;
    });
  };

  // The optimizers' fields as tfjs 4.22 names them (several are private in its typings).
  type Sgd = { learningRate: number; incrementIterations(): void };
  patch<Sgd>(tf.SGDOptimizer, function (gradients) {
    for (const { name, gradient } of namedGradients(gradients)) {
      if (!gradient) continue;
      const value = engine.registeredVariables[name]!;
      tf.tidy(() => {
        const [newValue] = run(RULES.sgd, { value, gradient }, { negLearningRate: -this.learningRate });
        value.assign(newValue!);
      });
    }
    this.incrementIterations();
  });

  type Momentum = { learningRate: number; momentum: number; useNesterov: boolean; accumulations: StateSlot[]; incrementIterations(): void };
  patch<Momentum>(tf.MomentumOptimizer, function (gradients) {
    namedGradients(gradients).forEach(({ name, gradient }, i) => {
      const value = engine.registeredVariables[name]!;
      this.accumulations[i] ??= zerosState(value, `${name}/momentum`);
      if (!gradient) return;
      const accumulation = this.accumulations[i].variable;
      tf.tidy(() => {
        const [newValue, newAccumulation] = run(RULES.momentum, { value, gradient, accumulation }, { negLearningRate: -this.learningRate, momentum: this.momentum, nesterov: this.useNesterov ? 1 : 0 });
        accumulation.assign(newAccumulation!);
        value.assign(newValue!);
      });
    });
    this.incrementIterations();
  });

  type RmsProp = {
    learningRate: number;
    decay: number;
    momentum: number;
    epsilon: number;
    centered: boolean;
    accumulatedMeanSquares: StateSlot[];
    accumulatedMoments: StateSlot[];
    incrementIterations(): void;
  };
  const rmspropOriginal = (tf.RMSPropOptimizer.prototype as unknown as { applyGradients: (this: RmsProp, gradients: Gradients) => void }).applyGradients;
  patch<RmsProp>(tf.RMSPropOptimizer, function (gradients) {
    // Centered RMSProp would bind 9 storage buffers; tfjs creates its device with WebGPU's default
    // of 8 per shader stage (it requests no more), so it stays tfjs's own code.
    if (this.centered) return rmspropOriginal.call(this, gradients);
    namedGradients(gradients).forEach(({ name, gradient }, i) => {
      const value = engine.registeredVariables[name]!;
      this.accumulatedMeanSquares[i] ??= zerosState(value, `${name}/rms`);
      this.accumulatedMoments[i] ??= zerosState(value, `${name}/momentum`);
      if (!gradient) return;
      const meanSquare = this.accumulatedMeanSquares[i].variable;
      const moment = this.accumulatedMoments[i].variable;
      const attrs = { decay: this.decay, oneMinusDecay: 1 - this.decay, momentum: this.momentum, learningRate: this.learningRate, epsilon: this.epsilon };
      tf.tidy(() => {
        const [newValue, newMeanSquare, newMoment] = run(RULES.rmsprop, { value, gradient, meanSquare, moment }, attrs);
        meanSquare.assign(newMeanSquare!);
        moment.assign(newMoment!);
        value.assign(newValue!);
      });
    });
    this.incrementIterations();
  });

  type Adam = {
    learningRate: number;
    beta1: number;
    beta2: number;
    epsilon: number;
    accBeta1: tfType.Variable;
    accBeta2: tfType.Variable;
    accumulatedFirstMoment: StateSlot[];
    accumulatedSecondMoment: StateSlot[];
    iterations: number;
    incrementIterations(): void;
  };
  patch<Adam>(tf.AdamOptimizer, function (gradients) {
    // tfjs keeps accBeta = beta^(iterations + 1) in a GPU scalar updated by two kernels a step; the
    // bias corrections are computed here instead, from the same definition its setWeights uses.
    const step = this.iterations + 1;
    const attrs = {
      beta1: this.beta1,
      oneMinusBeta1: 1 - this.beta1,
      beta2: this.beta2,
      oneMinusBeta2: 1 - this.beta2,
      oneMinusAccBeta1: 1 - Math.fround(Math.pow(this.beta1, step)),
      oneMinusAccBeta2: 1 - Math.fround(Math.pow(this.beta2, step)),
      epsilon: this.epsilon,
      negLearningRate: -this.learningRate,
    };
    namedGradients(gradients).forEach(({ name, gradient }, i) => {
      const value = engine.registeredVariables[name]!;
      this.accumulatedFirstMoment[i] ??= zerosState(value, `${name}/m`);
      this.accumulatedSecondMoment[i] ??= zerosState(value, `${name}/v`);
      if (!gradient) return;
      const m = this.accumulatedFirstMoment[i].variable;
      const v = this.accumulatedSecondMoment[i].variable;
      tf.tidy(() => {
        const [newValue, newM, newV] = run(RULES.adam, { value, gradient, m, v }, attrs);
        m.assign(newM!);
        v.assign(newV!);
        value.assign(newValue!);
      });
    });
    // Host-side scalars (uploaded only if tfjs's own code reads them): no dispatch.
    tf.tidy(() => {
      this.accBeta1.assign(tf.scalar(Math.pow(this.beta1, step + 1)));
      this.accBeta2.assign(tf.scalar(Math.pow(this.beta2, step + 1)));
    });
    this.incrementIterations();
  });
  installed.set(key, handle);
  return handle;
}

const installed = new WeakMap<object, FusedUpdates>();

// ───────────── counting dispatches ─────────────

export interface DispatchCounter {
  readonly count: number;
  dispose(): void;
}

/**
 * Counts compute dispatches actually recorded on the GPU (tfjs's kernels and the fused updates
 * alike) by observing GPUComputePassEncoder.dispatchWorkgroups; CPU-forwarded kernels and
 * reshapes, which dispatch nothing, are not counted.
 */
export function countDispatches(): DispatchCounter {
  const encoder = (globalThis as { GPUComputePassEncoder?: { prototype: ComputePass } }).GPUComputePassEncoder;
  if (!encoder) throw new Error('GPUComputePassEncoder is not defined: load the `webgpu` package first');
  const prototype = encoder.prototype;
  const original = prototype.dispatchWorkgroups;
  let count = 0;
  prototype.dispatchWorkgroups = function (this: ComputePass, ...args: [number, number?, number?]) {
    count += 1;
    return original.apply(this, args);
  };
  return {
    get count() {
      return count;
    },
    dispose: () => {
      prototype.dispatchWorkgroups = original;
    },
  };
}
