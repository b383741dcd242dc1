// Entry of the GPU kit's benchmark bundle (scripts/gpu-kit/pack.mjs bundles it to plain JS): runs
// bench/gpu.bench.ts as `npm run bench -- gpu` would, without tsx or the bench runner's dynamic
// import of .ts files, and writes the result where LOSSBOOK_RESULTS_DIR says ($OUT on the GPU
// machine), in the same shape as bench/harness.ts writeResult.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import benchmark from '../../bench/gpu.bench';
import { machine } from '../../bench/harness';

const resultsDir = resolve(process.env.LOSSBOOK_RESULTS_DIR ?? 'bench/results');
console.log(`▶ ${benchmark.name}: ${benchmark.description}`);
const result = await benchmark.run();
console.table(result.table);
let failed = 0;
for (const [target, met] of Object.entries(result.targets ?? {})) {
  console.log(`  ${met ? '✔' : '✘'} ${target}`);
  if (!met) failed++;
}
mkdirSync(resultsDir, { recursive: true });
const name = result.resultName ?? benchmark.name;
const path = join(resultsDir, `${name}.json`);
writeFileSync(path, `${JSON.stringify({ name, date: new Date().toISOString(), machine: machine(), ...result.data, targets: result.targets ?? {} }, null, 2)}\n`);
console.log(`  → ${path}`);
console.log(failed ? `\n${failed} target(s) not met` : '\nall targets met');
// Kernels and plain processes are shut down by the benchmark; nothing should keep the loop alive.
process.exit(0);
