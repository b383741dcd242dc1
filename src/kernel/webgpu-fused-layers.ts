// Fewer dispatches per GPU step, beyond the optimizer (issue 18): the forward and backward pieces
// of an MLP step that tfjs runs as chains of small kernels on webgpu.
//
// 1. Dense + bias + relu while training. tfjs-layers' Dense calls fused.matMul with its bias and
//    activation, but tfjs-core fuses only when no gradient is being recorded or the activation is
//    linear (shouldFuse in ops/fused_util): under training a relu layer is a matmul, an add and a
//    relu (3 dispatches), and its gradient multiplies by step(y) (2 more). Here, on webgpu, the
//    layer runs tfjs's own _FusedMatMul kernel (matmul + bias + relu, 1 dispatch) under a custom
//    gradient that is tfjs's fused-matMul gradient (dy·step(y), then the two matmuls and the bias
//    sum) with dy·step(y) as one dispatch (LossbookReluGrad).
// 2. categoricalCrossentropy (tfjs-layers' loss: normalize, clip, log, multiply, sum, negate — and
//    about twice as many kernels for its gradient) as one dispatch forward (one thread per row) and
//    one backward, with the gradient of exactly that formula, clip mask included.
// Both are tfjs kernels registered for webgpu whose kernel functions run a WebGPUProgram through
// the backend's runWebGPUProgram (one output each, unlike the optimizer updates). Everything else —
// other activations, inputs of rank > 2, other losses, other backends — is tfjs's own code.
import type * as tfType from '@tensorflow/tfjs';
import type { Tf } from './monitor-api';

type TensorInfo = { dataId: object; shape: number[]; dtype: string };
interface ProgramRunner {
  runWebGPUProgram(program: object, inputs: TensorInfo[], outputDtype: string, uniforms?: Array<{ type: string; data: number[] }>): TensorInfo;
}

const WORKGROUP = 64;

/** A tfjs-backend-webgpu WebGPUProgram: the fields its runWebGPUProgram and makeShader read. */
function program(options: { key: string; inputs: string[]; outputShape: number[]; threads: number; uniforms?: string; body: string }) {
  return {
    variableNames: options.inputs,
    outputShape: options.outputShape,
    shaderKey: options.key,
    size: true,
    workgroupSize: [WORKGROUP, 1, 1] as [number, number, number],
    dispatchLayout: { x: options.outputShape.map((_, i) => i) },
    dispatch: [Math.ceil(options.threads / WORKGROUP), 1, 1] as [number, number, number],
    ...(options.uniforms ? { uniforms: options.uniforms } : {}),
    getUserCode: () => options.body,
  };
}

const KERNELS = {
  denseRelu: 'LossbookDenseRelu',
  reluGrad: 'LossbookReluGrad',
  crossEntropy: 'LossbookCategoricalCrossentropy',
  crossEntropyGrad: 'LossbookCategoricalCrossentropyGrad',
};

function registerKernels(tf: Tf): void {
  const register = (kernelName: string, kernelFunc: (inputs: Record<string, TensorInfo>, backend: ProgramRunner, attrs: Record<string, unknown>) => TensorInfo) => {
    if (tf.getKernel(kernelName, 'webgpu')) return;
    tf.registerKernel({
      kernelName,
      backendName: 'webgpu',
      kernelFunc: ({ inputs, backend, attrs }) => kernelFunc(inputs as unknown as Record<string, TensorInfo>, backend as unknown as ProgramRunner, attrs as Record<string, unknown>) as unknown as tfType.TensorInfo,
    });
  };
  register(KERNELS.denseRelu, ({ x, kernel, bias }, backend) => {
    const fusedMatMul = tf.getKernel('_FusedMatMul', 'webgpu');
    if (!fusedMatMul) throw new Error('the webgpu backend has no _FusedMatMul kernel');
    return fusedMatMul.kernelFunc({
      inputs: { a: x, b: kernel, bias } as unknown as tfType.NamedTensorInfoMap,
      backend: backend as unknown as tfType.KernelBackend,
      attrs: { transposeA: false, transposeB: false, activation: 'relu' },
    }) as unknown as TensorInfo;
  });
  if (!tf.getGradient(KERNELS.denseRelu)) {
    // tfjs-core's fused matMul gradient (ops/fused/mat_mul): dyRelu = dy · step(y); x' = dyRelu·kernelᵀ,
    // kernel' = xᵀ·dyRelu, bias' = Σ_rows dyRelu.
    tf.registerGradient({
      kernelName: KERNELS.denseRelu,
      inputsToSave: ['x', 'kernel'],
      outputsToSave: [true],
      gradFunc: (dy, saved) => {
        const [x, kernel, y] = saved as [tfType.Tensor2D, tfType.Tensor2D, tfType.Tensor2D];
        const dyRelu = (tf.getBackend() === 'webgpu'
          ? tf.engine().runKernel(KERNELS.reluGrad, { dy, y } as unknown as tfType.NamedTensorMap, {})
          : tf.mul(dy as tfType.Tensor, tf.step(y))) as tfType.Tensor2D;
        return { x: () => tf.matMul(dyRelu, kernel, false, true), kernel: () => tf.matMul(x, dyRelu, true, false), bias: () => tf.sum(dyRelu, 0) };
      },
    });
  }
  // dy · step(y), as tfjs's fused-matMul gradient for relu computes it (step(y) = y > 0 ? 1 : 0).
  register(KERNELS.reluGrad, ({ dy, y }, backend) => {
    const size = dy!.shape.reduce((a, b) => a * b, 1);
    const reluGrad = program({
      key: 'lossbook_relu_grad',
      inputs: ['Dy', 'Y'],
      outputShape: dy!.shape,
      threads: size,
      body: `fn main(index : i32) {
        if (index < uniforms.size) {
          setOutputAtIndex(index, select(0.0, f32(Dy[index]), f32(Y[index]) > 0.0));
        }
      }`,
    });
    return backend.runWebGPUProgram(reluGrad, [dy!, y!], 'float32');
  });
  // tfjs-layers: -sum(target · log(clip(output / sum(output), eps, 1 - eps))) over the last axis.
  register(KERNELS.crossEntropy, ({ target, output }, backend, attrs) => {
    const [rows, classes] = output!.shape as [number, number];
    const forward = program({
      key: 'lossbook_categorical_crossentropy',
      inputs: ['T', 'P'],
      outputShape: [rows],
      threads: rows,
      uniforms: 'classes : i32, epsilon : f32,',
      body: `fn main(index : i32) {
        if (index < uniforms.size) {
          let base = index * uniforms.classes;
          var total = 0.0;
          for (var j = 0; j < uniforms.classes; j++) { total = total + f32(P[base + j]); }
          var loss = 0.0;
          for (var j = 0; j < uniforms.classes; j++) {
            let clipped = clamp(f32(P[base + j]) / total, uniforms.epsilon, 1.0 - uniforms.epsilon);
            loss = loss + f32(T[base + j]) * log(clipped);
          }
          setOutputAtIndex(index, -loss);
        }
      }`,
    });
    return backend.runWebGPUProgram(forward, [target!, output!], 'float32', [
      { type: 'int32', data: [classes] },
      { type: 'float32', data: [Number(attrs.epsilon)] },
    ]);
  });
  // d/dp_k of that loss: with q = p / S and a_j = -t_j / clip(q_j) where q_j is inside the clip
  // range (tfjs's clipByValue passes the gradient where eps ≤ q_j ≤ 1 - eps, else 0):
  // dy · (a_k - Σ_j a_j q_j) / S.
  register(KERNELS.crossEntropyGrad, ({ target, output, dy }, backend, attrs) => {
    const [rows, classes] = output!.shape as [number, number];
    const backward = program({
      key: 'lossbook_categorical_crossentropy_grad',
      inputs: ['T', 'P', 'Dy'],
      outputShape: [rows, classes],
      threads: rows,
      uniforms: 'classes : i32, epsilon : f32,',
      body: `fn main(index : i32) {
        if (index < uniforms.outShape[0]) {
          let base = index * uniforms.classes;
          var total = 0.0;
          for (var j = 0; j < uniforms.classes; j++) { total = total + f32(P[base + j]); }
          var weighted = 0.0;
          for (var j = 0; j < uniforms.classes; j++) {
            let q = f32(P[base + j]) / total;
            if (q >= uniforms.epsilon && q <= 1.0 - uniforms.epsilon) { weighted = weighted - f32(T[base + j]) / q * q; }
          }
          for (var j = 0; j < uniforms.classes; j++) {
            let q = f32(P[base + j]) / total;
            var a = 0.0;
            if (q >= uniforms.epsilon && q <= 1.0 - uniforms.epsilon) { a = -f32(T[base + j]) / q; }
            setOutputAtIndex(base + j, f32(Dy[index]) * (a - weighted) / total);
          }
        }
      }`,
    });
    return backend.runWebGPUProgram(backward, [target!, output!, dy!], 'float32', [
      { type: 'int32', data: [classes] },
      { type: 'float32', data: [Number(attrs.epsilon)] },
    ]);
  });
}

interface DenseLike {
  activation: { getClassName(): string } | null;
  kernel: { read(): tfType.Tensor };
  bias: { read(): tfType.Tensor } | null;
  invokeCallHook(inputs: unknown, kwargs: unknown): void;
}

/**
 * Installs both fusions; `active()` says, at each call, whether to use them (the backend is webgpu
 * and the fused updates are enabled). Returns the undo.
 */
export function installFusedLayers(tf: Tf, active: () => boolean): () => void {
  registerKernels(tf);
  const engine = tf.engine();
  const restore: Array<() => void> = [];

  const denseEntry = (tf.serialization.SerializationMap.getMap().classNameMap as Record<string, [{ prototype: object }, unknown] | undefined>)['Dense'];
  if (denseEntry) {
    const prototype = denseEntry[0].prototype as { call: (this: DenseLike, inputs: unknown, kwargs: unknown) => tfType.Tensor | tfType.Tensor[] };
    const originalCall = prototype.call;
    prototype.call = function (this: DenseLike, inputs: unknown, kwargs: unknown) {
      const input = (Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs) as tfType.Tensor | undefined;
      if (!active() || !input || input.rank !== 2 || input.dtype !== 'float32' || this.bias == null || this.activation?.getClassName() !== 'relu') return originalCall.call(this, inputs, kwargs);
      return tf.tidy(() => {
        this.invokeCallHook(inputs, kwargs);
        return denseRelu(input as tfType.Tensor2D, this.kernel.read() as tfType.Tensor2D, this.bias!.read() as tfType.Tensor1D);
      });
    };
    restore.push(() => {
      prototype.call = originalCall;
    });
  }
  // matmul + bias + relu: tfjs's own _FusedMatMul kernel, under a kernel name of its own so that
  // its gradient can be registered (lazily per input, as tfjs's kernels are: a first layer's input
  // gradient, a 784-wide matmul nobody needs, is never computed).
  const denseRelu = (x: tfType.Tensor2D, kernel: tfType.Tensor2D, bias: tfType.Tensor1D): tfType.Tensor2D =>
    engine.runKernel(KERNELS.denseRelu, { x, kernel, bias } as unknown as tfType.NamedTensorMap, {}) as tfType.Tensor2D;

  // categoricalCrossentropy, replaced on models compiled with that loss by name.
  type LossFunction = (target: tfType.Tensor, output: tfType.Tensor) => tfType.Tensor;
  const modelPrototype = tf.LayersModel.prototype as unknown as { compile: (this: { lossFunctions?: LossFunction[] }, args: { loss?: unknown }) => void };
  const originalCompile = modelPrototype.compile;
  modelPrototype.compile = function (this: { lossFunctions?: LossFunction[] }, args: { loss?: unknown }) {
    originalCompile.call(this, args);
    const losses = this.lossFunctions;
    if (args?.loss === 'categoricalCrossentropy' && losses?.length === 1 && losses[0]) losses[0] = fusedCrossEntropy(losses[0]);
  };
  restore.push(() => {
    modelPrototype.compile = originalCompile;
  });
  const fusedCrossEntropy = (original: LossFunction) =>
    // Named as tfjs-layers' function: the kernel's checks read a loss function's name.
    function categoricalCrossentropy(target: tfType.Tensor, output: tfType.Tensor): tfType.Tensor {
      if (!active() || output.rank !== 2 || target.rank !== 2 || output.dtype !== 'float32') return original(target, output);
      const epsilon = tf.backend().epsilon();
      const targetFloat = target.dtype === 'float32' ? target : tf.cast(target, 'float32');
      const fused = tf.customGrad((...args: unknown[]) => {
        const [probabilities, save] = args as [tfType.Tensor, (tensors: tfType.Tensor[]) => void];
        save([probabilities]);
        return {
          value: engine.runKernel(KERNELS.crossEntropy, { target: targetFloat, output: probabilities } as unknown as tfType.NamedTensorMap, { epsilon } as unknown as tfType.NamedAttrMap) as tfType.Tensor,
          gradFunc: (dy: tfType.Tensor, saved: tfType.Tensor[]) =>
            engine.runKernel(KERNELS.crossEntropyGrad, { target: targetFloat, output: saved[0]!, dy } as unknown as tfType.NamedTensorMap, { epsilon } as unknown as tfType.NamedAttrMap) as tfType.Tensor,
        };
      });
      return (fused as unknown as (p: tfType.Tensor) => tfType.Tensor)(output);
    };

  return () => {
    for (const undo of restore.splice(0).reverse()) undo();
  };
}
