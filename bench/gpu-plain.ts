// Plain tfjs, no Lossbook: loads the backend the documented way (shared/gpu-kit/README.md for
// webgpu) and runs the benchmark's training source. Run as a child process by gpu.bench.ts:
//   node --import tsx bench/gpu-plain.ts <backend> <hidden> <batch> <steps> <warmupSteps>
// and prints one JSON line: { ok, samplesPerSecond, msPerStep } or { ok: false, reason }.
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { asFunctionBody, trainingSource } from './gpu-training';

const [backend = 'wasm', hidden = '256', batch = '128', steps = '20', warmup = '4'] = process.argv.slice(2);
const require = createRequire(import.meta.url);

async function load(): Promise<void> {
  if (backend === 'webgpu') {
    const { create, globals } = require('webgpu') as { create: (o: string[]) => unknown; globals: Record<string, unknown> };
    Object.assign(globalThis, globals);
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true });
    require('@tensorflow/tfjs-backend-webgpu');
  } else if (backend === 'wasm') {
    const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths: (p: string) => void };
    wasm.setWasmPaths(`${require.resolve('@tensorflow/tfjs-backend-wasm').replace(/[^/\\]+$/, '')}`);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') returned false`);
  await tf.ready();
}

try {
  await load();
  const run = new Function('tf', `return (async () => {${asFunctionBody(trainingSource({ hidden: Number(hidden), batch: Number(batch), steps: Number(steps), warmupSteps: Number(warmup) }))}})();`) as (
    t: typeof tf,
  ) => Promise<{ samplesPerSecond: number; msPerStep: number }>;
  const result = await run(tf);
  console.log(JSON.stringify({ ok: true, backend: tf.getBackend(), ...result }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, reason: error instanceof Error ? error.message : String(error) }));
}
process.exit(0);
