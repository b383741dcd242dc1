// Resources and runtime (catalog §5): tensor leaks, memory pressure, slow evaluation, backend.
import { defineRule, type Rule } from './types';
import { formatNumber, median, percent, tail } from './stats';

const tensorLeak = defineRule({
  id: 'mem.tensor-leak',
  family: 'resources',
  severity: 'warning',
  title: 'Tensor count grows every step',
  thresholds: { samples: 10, minGrowthPerStep: 1, minMonotoneShare: 0.9 },
  explanation:
    'tf.memory().numTensors rises step after step: something allocates tensors each step and never disposes them (a callback calling predict/evaluate without tf.tidy, a custom loop without tidy). Memory grows until the process runs out. Lossbook frees what the run leaked when it ends, but a long run can exhaust memory first.',
  fix: { text: 'Wrap per-step work in tf.tidy, dispose what you keep, and await data() instead of holding tensors.' },
  source: 'tfjs memory management; seed 001 ("GPU memory is never released")',
  check({ memory }) {
    const t = this.thresholds;
    const samples = tail(memory, t.samples);
    if (samples.length < t.samples) return [];
    let rising = 0;
    for (let i = 1; i < samples.length; i++) if (samples[i]!.numTensors > samples[i - 1]!.numTensors) rising++;
    const first = samples[0]!;
    const last = samples[samples.length - 1]!;
    const steps = Math.max(1, last.step - first.step);
    const perStep = (last.numTensors - first.numTensors) / steps;
    if (rising / (samples.length - 1) >= t.minMonotoneShare && perStep >= t.minGrowthPerStep)
      return [
        {
          summary: `numTensors ${first.numTensors} → ${last.numTensors} from step ${first.step} to ${last.step} (+${formatNumber(perStep)} per step)`,
          values: { from: first.numTensors, to: last.numTensors, perStep, bytes: last.numBytes - first.numBytes },
          step: last.step,
        },
      ];
    return [];
  },
});

/** "Out of memory: … for a float32 tensor of shape [8000, 224, 224, 3]." — the part that says what failed. */
function firstSentence(message: string, max: number): string {
  const end = message.search(/\.(\s|$)/);
  const sentence = end > 0 ? message.slice(0, end + 1) : message;
  return sentence.length > max ? `${sentence.slice(0, max - 1)}…` : sentence;
}

const outOfMemory = defineRule({
  id: 'mem.oom',
  family: 'resources',
  severity: 'error',
  title: 'Out of memory (or close to it)',
  thresholds: { nearLimit: 0.9 },
  explanation: 'The run failed to allocate memory, or uses more than 90% of what the backend/process can hold. Large batches and evaluating the whole test set at once are the usual culprits.',
  fix: { text: 'Use a smaller batch size, evaluate the test set in chunks, and dispose intermediate tensors.' },
  source: 'seed 001 (OOM)',
  check({ memory, error }) {
    if (error && /out of memory|\bOOM\b|failed to allocate|allocation failed|Array buffer allocation failed|Invalid typed array length|Cannot allocate|memory access out of bounds/i.test(`${error.name} ${error.message}`))
      return [{ summary: `the run failed: ${firstSentence(error.message, 200)}`, values: { error: error.message.slice(0, 400) } }];
    const last = memory[memory.length - 1];
    if (!last) return [];
    if (last.heapUsedBytes && last.heapLimitBytes && last.heapUsedBytes / last.heapLimitBytes > this.thresholds.nearLimit)
      return [{ summary: `JS heap ${percent(last.heapUsedBytes / last.heapLimitBytes)} of its limit at step ${last.step}`, values: { heapUsed: last.heapUsedBytes, heapLimit: last.heapLimitBytes }, step: last.step, severity: 'warning' }];
    if (last.gpuBytes && last.gpuLimitBytes && last.gpuBytes / last.gpuLimitBytes > this.thresholds.nearLimit)
      return [{ summary: `GPU memory ${percent(last.gpuBytes / last.gpuLimitBytes)} of the device at step ${last.step}`, values: { gpuBytes: last.gpuBytes, gpuLimit: last.gpuLimitBytes }, step: last.step, severity: 'warning' }];
    return [];
  },
});

const evalEveryBatch = defineRule({
  id: 'perf.eval-every-batch',
  family: 'resources',
  severity: 'warning',
  title: 'Evaluation runs on every batch',
  thresholds: { minBatches: 5, evaluationsPerBatch: 0.8, timeRatio: 3, minBetweenMs: 5 },
  explanation: 'A full validation pass after every batch costs far more than the training step itself, so training looks slow to converge in wall time (seed 001: "computing the full test loss after every training batch slows training down").',
  fix: { text: 'Validate once per epoch (validationData / validationSplit in fit), or every N batches.' },
  source: 'seed 001 ("compute the test loss only every 100 batches")',
  check({ timing, step }) {
    const t = this.thresholds;
    if (timing.batches < t.minBatches) return [];
    const stepMs = median(timing.stepMs);
    const betweenMs = median(timing.betweenBatchMs);
    const perBatch = timing.evaluateCalls / timing.batches;
    if (perBatch >= t.evaluationsPerBatch && timing.evaluateMs / timing.batches > t.timeRatio * stepMs)
      return [
        {
          summary: `${timing.evaluateCalls} evaluate/predict calls in ${timing.batches} batches, ${formatNumber(timing.evaluateMs / timing.batches)} ms per batch vs ${formatNumber(stepMs)} ms per training step`,
          values: { evaluateCalls: timing.evaluateCalls, batches: timing.batches, evaluateMsPerBatch: timing.evaluateMs / timing.batches, stepMs },
          step,
        },
      ];
    if (betweenMs > t.minBetweenMs && betweenMs > t.timeRatio * 3 * stepMs && timing.evaluateCalls >= t.minBatches)
      return [
        {
          summary: `callbacks take ${formatNumber(betweenMs)} ms between batches vs ${formatNumber(stepMs)} ms per training step`,
          values: { betweenBatchMs: betweenMs, stepMs },
          step,
        },
      ];
    return [];
  },
});

const backendFallback = defineRule({
  id: 'perf.backend-fallback',
  family: 'resources',
  severity: 'info',
  title: 'Running without a GPU backend',
  thresholds: {},
  explanation: 'This kernel trains on a CPU backend (wasm or plain JS) because no GPU backend (tfjs-node-gpu or WebGPU) could start. Small models are fine; large ones will be slow.',
  fix: { text: 'Install CUDA/cuDNN with @tensorflow/tfjs-node-gpu, or run where WebGPU is available, and pick the backend in Settings.' },
  source: 'Lossbook backend selection',
  check({ backend, phase }) {
    if (phase !== 'fit-start' || !backend || backend.isGpu) return [];
    return [{ summary: `backend ${backend.name}${backend.reason ? `: ${backend.reason}` : ''}`, values: { backend: backend.name, reason: backend.reason ?? null } }];
  },
});

const kernelFallback = defineRule({
  id: 'perf.kernel-fallback',
  family: 'resources',
  severity: 'info',
  title: 'Kernels the backend lacks ran through Lossbook',
  thresholds: { warningShare: 0.25, listed: 4 },
  explanation:
    'The active backend has no kernel of its own for some operations this training needs (tfjs-backend-wasm has no Conv2DBackpropFilter, no depthwise-conv gradients, no UnsortedSegmentSum for embeddings), so Lossbook supplies them: composed from the backend’s own kernels where it can (close to native speed), otherwise by running the tfjs CPU kernel on a copy of the data. Training is correct either way; the share of step time says what it costs. It is a warning when kernels on the CPU fallback take a quarter of the step time or more.',
  fix: {
    text: 'Nothing is required. If the share is large, a backend that has these kernels natively is faster: tfjs-node (npm install @tensorflow/tfjs-node where downloads are allowed) or webgpu on a GPU. lossbook doctor shows which kernels each backend lacks.',
  },
  source: 'Lossbook backend kernels (issue 18)',
  check({ kernelFallback, phase, step }) {
    if (!kernelFallback || (phase !== 'epoch' && phase !== 'finish')) return [];
    const used = kernelFallback.kernels.filter((kernel) => kernel.calls > 0).sort((a, b) => b.ms - a.ms);
    if (!used.length) return [];
    const share = (ms: number) => (kernelFallback.stepMs > 0 ? Math.min(1, ms / kernelFallback.stepMs) : 0);
    const total = share(used.reduce((sum, kernel) => sum + kernel.ms, 0));
    // Composed and corrected kernels run on the backend itself, near native speed: only time in the
    // CPU fallback (a copy out, the JavaScript kernel, a copy back) is a cost worth a warning.
    const slow = share(used.filter((kernel) => kernel.implementation === 'cpu-fallback').reduce((sum, kernel) => sum + kernel.ms, 0));
    const described = used.slice(0, this.thresholds.listed).map((kernel) => `${kernel.name} (${kernel.implementation === 'cpu-fallback' ? 'CPU fallback' : kernel.implementation}, ${percent(share(kernel.ms))})`);
    const more = used.length > this.thresholds.listed ? ` and ${used.length - this.thresholds.listed} more` : '';
    return [
      {
        summary: `${used.length} kernel${used.length === 1 ? '' : 's'} Lossbook supplied on ${kernelFallback.backend} took ${percent(total)} of ${formatNumber(kernelFallback.stepMs)} ms step time over ${kernelFallback.steps} steps: ${described.join(', ')}${more}`,
        values: {
          backend: kernelFallback.backend,
          share: total,
          cpuFallbackShare: slow,
          stepMs: kernelFallback.stepMs,
          steps: kernelFallback.steps,
          kernels: used.map((kernel) => `${kernel.name}:${kernel.implementation}:${kernel.calls}:${formatNumber(kernel.ms)}ms`).join(', '),
        },
        step,
        severity: slow >= this.thresholds.warningShare ? 'warning' : 'info',
      },
    ];
  },
});


/** Runtime failures of tfjs, recognized by their message, with the cause and the fix each one means. */
const RUNTIME_FAULTS: Array<{ kind: string; pattern: RegExp; cause: (match: RegExpExecArray) => string; fix: string }> = [
  {
    kind: 'kernel-missing',
    pattern: /Kernel '(\w+)' not registered for backend '(\w+)'/,
    cause: (m) => `the ${m[2]} backend has no kernel for ${m[1]}`,
    fix: 'Run this model on a backend that implements the op (cpu, or tfjs-node/webgpu where available), or replace the layer/op with one the backend supports.',
  },
  {
    kind: 'input-shape',
    pattern: /expected (\S+) to have (?:shape \[[^\]]*\]|\d+ dimension\(s\))[\s\S]{0,20}?but got array with shape|input expected a batch of elements where each example has shape (\[[^\]]*\])/,
    cause: (m) => `the inputs do not have the shape ${m[1] ?? `the model was built for (${m[2]} per example)`}${m[1] ? ' was built for' : ''}`,
    fix: 'Make the inputShape of the first layer match one sample of x (x.shape without the batch axis), or reshape x (e.g. add the channel axis for a conv net, the time axis for an RNN).',
  },
  {
    // tfjs#3361, tfjs#1613: a Sequential (an inner one too, or one reloaded from JSON) whose first
    // layer was given no inputShape.
    kind: 'missing-input-shape',
    pattern: /first layer in a Sequential model must get an .?inputShape.? or .?batchInputShape.? argument/,
    cause: () => 'the first layer of a Sequential model has no inputShape',
    fix: 'Give the first layer of every Sequential its inputShape (one sample, without the batch axis) — inner Sequential models too — instead of applying it to a tf.input; a model saved without it cannot be loaded.',
  },
  {
    kind: 'target-shape',
    pattern: /Error when checking target: [^\n]*/,
    cause: () => 'the targets do not have the shape of the model output',
    fix: 'Targets must match the output: one-hot rows [n, classes] for categoricalCrossentropy, class ids [n] or [n, 1] for sparseCategoricalCrossentropy, [n, units] for regression.',
  },
  {
    kind: 'layer-shape',
    pattern: /Input \d+ is incompatible with layer (\S+)|expected ndim=\d+, found ndim=\d+|Operands could not be broadcast together with shapes [^\n]*|must match the (?:inner|outer) dimension|Shapes \[[^\]]*\] and \[[^\]]*\] must match/,
    cause: () => 'a layer receives a tensor of the wrong rank or shape',
    fix: 'Print model.summary() and the shape of the data: an LSTM/GRU wants [batch, timesteps, features], Conv2D [batch, height, width, channels], Dense after a conv needs Flatten.',
  },
  {
    kind: 'dtype',
    pattern: /must be (?:a |an )?(float32|int32|bool|string)[^\n]*but got (\w+)|dtype (\w+) is not supported|requires (?:the )?dtype/,
    cause: () => 'a tensor has the wrong dtype for the op',
    fix: "Cast the tensor to the dtype the op expects: tf.cast(x, 'float32') for inputs and float targets, 'int32' for class ids given to tf.oneHot.",
  },
  {
    kind: 'bad-value',
    pattern: /oneHot: ?indices|depth must be|Unknown (?:loss|optimizer|activation|metric)[^\n]*/i,
    cause: () => 'an argument names something tfjs does not know, or an index is out of range',
    fix: 'Check the spelling of the loss/optimizer/activation names (camelCase in tfjs: categoricalCrossentropy, meanSquaredError) and that class ids lie in 0…C−1.',
  },
];

const runFailed = defineRule({
  id: 'run.failed',
  family: 'resources',
  severity: 'error',
  title: 'The run failed',
  thresholds: {},
  explanation:
    'Training stopped with an error. Lossbook maps the errors tfjs users meet most — a kernel missing on the backend, inputs or targets of the wrong shape, a wrong dtype, an unknown name — to what they mean; the message itself is in the cell output.',
  fix: { text: 'See the cause above; the cell output has the full message and stack.' },
  source: 'tensorflow/tfjs issues (kernel not registered, shape and dtype errors); StackOverflow [tensorflow.js]',
  check({ error, status }) {
    if (!error || status === 'interrupted') return [];
    const text = `${error.name}: ${error.message}`;
    for (const fault of RUNTIME_FAULTS) {
      const match = fault.pattern.exec(text);
      if (!match) continue;
      return [
        {
          summary: `${fault.cause(match)}: ${firstSentence(error.message, 200)}`,
          values: { kind: fault.kind, error: error.message.slice(0, 400) },
          fixText: fault.fix,
        },
      ];
    }
    return [];
  },
});

export const resourceRules: Rule[] = [tensorLeak, outOfMemory, evalEveryBatch, backendFallback, kernelFallback, runFailed];
