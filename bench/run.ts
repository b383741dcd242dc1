// `npm run bench [-- name ...]`: runs bench/<name>.bench.ts (all of them without names).
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeResult, type Benchmark } from './harness';

const dir = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace(/\.bench\.ts$/, '')).sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !available.includes(w));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}
let failedTargets = 0;
for (const name of wanted.length ? wanted : available) {
  const module = (await import(pathToFileURL(`${dir}${name}.bench.ts`).href)) as { default: Benchmark };
  const bench = module.default;
  console.log(`\n▶ ${bench.name}: ${bench.description}`);
  const result = await bench.run();
  console.table(result.table);
  for (const [target, met] of Object.entries(result.targets ?? {})) {
    console.log(`  ${met ? '✔' : '✘'} ${target}`);
    if (!met) failedTargets++;
  }
  console.log(`  → ${writeResult(result.resultName ?? bench.name, result)}`);
}
console.log(failedTargets ? `\n${failedTargets} target(s) not met` : '\nall targets met');
