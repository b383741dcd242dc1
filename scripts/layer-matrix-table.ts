// Produces the README's layer-family × backend table from a real run (issue 18): every family of
// src/kernel/layer-matrix.ts trained on wasm, cpu and — where Dawn finds an adapter — webgpu,
// through the same trainFamily() the matrix test checks, with the kernels Lossbook supplied.
//   npx tsx scripts/layer-matrix-table.ts             → writes docs/layer-matrix.md
//   npx tsx scripts/layer-matrix-table.ts --no-webgpu → the same without the webgpu column
// then `node scripts/sync-readme.mjs` copies the table into README.md.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { selectBackend } from '../src/kernel/backend';
import { LAYER_FAMILIES, trainFamily, type FamilyRun } from '../src/kernel/layer-matrix';

const output = fileURLToPath(new URL('../docs/layer-matrix.md', import.meta.url));
const samples = 48;

const backends = ['wasm', 'cpu'];
let webgpuNote = 'webgpu: not run (--no-webgpu)';
if (!process.argv.includes('--no-webgpu')) {
  const probe = await selectBackend({ request: 'webgpu', requestedBy: 'setting' });
  if (probe.info.name === 'webgpu') {
    backends.push('webgpu');
    webgpuNote = `webgpu: ${probe.info.device ?? 'adapter'}`;
  } else webgpuNote = `webgpu: skipped — ${probe.info.attempts.find((attempt) => attempt.backend === 'webgpu')?.reason ?? 'did not start'}`;
}
const { tf, info } = await selectBackend({ request: 'wasm', requestedBy: 'setting' });

const runs = new Map<string, FamilyRun>();
for (const backend of backends) {
  for (const family of LAYER_FAMILIES) {
    const run = await trainFamily(tf, family, backend, { samples });
    runs.set(`${family.id}/${backend}`, run);
    console.log(`${run.ok ? '✔' : '✘'} ${backend.padEnd(6)} ${family.id.padEnd(26)} ${run.losses.map((loss) => loss.toFixed(4)).join(' → ')}  ${run.stepMs.toFixed(1)} ms/step${run.gradientDifference === undefined ? '' : `  gradΔ ${run.gradientDifference.toExponential(1)}`}${run.error ? `  ${run.error}` : ''}`);
  }
}

const cell = (run: FamilyRun | undefined) => {
  if (!run) return '—';
  if (!run.ok) return `✘ ${(run.error ?? 'failed').replace(/\|/g, '\\|').slice(0, 120)}`;
  const gradient = run.gradientDifference === undefined ? '' : `, gradients within ${run.gradientDifference.toExponential(0)} of cpu`;
  return `✔ loss ${run.losses[0]!.toFixed(3)} → ${run.losses[run.losses.length - 1]!.toFixed(3)}, ${run.stepMs.toFixed(1)} ms/step${gradient}`;
};
const supplied = (run: FamilyRun | undefined) =>
  run?.supplied.length ? run.supplied.map((entry) => `${entry.kernelName} (${entry.implementation === 'cpu-fallback' ? 'CPU fallback' : entry.implementation})`).join(', ') : '—';

const lines = [
  '# Layer families × backends',
  '',
  `Produced by \`npx tsx scripts/layer-matrix-table.ts\` on ${new Date().toISOString().slice(0, 10)} (tfjs ${info.tfjsVersion}; ${webgpuNote}): each family of [src/kernel/layer-matrix.ts](../src/kernel/layer-matrix.ts) trained 2 epochs on ${samples} samples (batch 8, Adam) from the same seeded weights, gradients of the first batch compared with the cpu backend's (largest difference relative to the largest gradient), median step time after the first step. The matrix test checks the same on every run. Do not edit by hand.`,
  '',
  `| family | layers | ${backends.join(' | ')} | kernels Lossbook supplied on wasm |`,
  `|---|---|${backends.map(() => '---|').join('')}---|`,
];
for (const family of LAYER_FAMILIES) {
  lines.push(`| ${family.id} | ${family.layers} | ${backends.map((backend) => cell(runs.get(`${family.id}/${backend}`))).join(' | ')} | ${supplied(runs.get(`${family.id}/wasm`))} |`);
}
const trained = (backend: string) => LAYER_FAMILIES.filter((family) => runs.get(`${family.id}/${backend}`)?.ok).length;
lines.push('', backends.map((backend) => `${backend}: ${trained(backend)} of ${LAYER_FAMILIES.length} trained`).join('; ') + '.', '');
writeFileSync(output, lines.join('\n'));
console.log(`wrote docs/layer-matrix.md (${LAYER_FAMILIES.length} families × ${backends.length} backends)`);
