#!/usr/bin/env node
// Packs what the GPU benchmark (bench/gpu.bench.ts, issue 11) needs on a bare GPU machine, beside
// what ../shared/gpu-kit/make-kit.sh packs (node, the Vulkan .debs, node_modules/webgpu), into
// .gpu-kit/lossbook/ (git-ignored): lossbook.tar.xz + run-gpu-bench.sh. See docs/gpu.md.
//
// Run from the project root after `npm ci` and `npm run build`:  node scripts/gpu-kit/pack.mjs
//
// The kernel loads its backends with a runtime require() (src/kernel/backend.ts), so one bundle
// would carry a second copy of tfjs; the kit ships real node_modules instead, pruned to exactly
// the files Node loaded during a traced local run of the same bundles (trace-hook.cjs,
// trace-esm.mjs in every process: the bench, the forked kernels and plain-tfjs processes), plus
// the package.json files Node's resolver reads and the tfjs wasm binaries. On this machine webgpu
// finds no adapter, so the files the GPU path loads after the adapter check
// (@tensorflow/tfjs-backend-webgpu) are traced by a probe process that requires them.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { NODE_BUNDLE, REQUIRE_BANNER } from '../node-bundle.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const kitFolder = join(root, '.gpu-kit');
const lossbookKit = join(kitFolder, 'lossbook');
const stage = join(kitFolder, 'stage'); // inside the repo: the staged bundles resolve ./node_modules
const runFolderName = '.lossbook-gpu'; // where the bundles sit once unpacked (beside node_modules)
const staged = join(stage, runFolderName);
const traceFolder = join(stage, 'trace');
const nodeModules = join(root, 'node_modules');
/** webgpu: carried by make-kit.sh (webgpu.tar.xz); tsx is not used by the bundles. (esbuild is:
 * the kernel transpiles cells with it, and spawns its native binary, added below.) */
const excludedPackages = ['webgpu', 'tsx', '.bin'];

function log(message) {
  console.log(`gpu-kit: ${message}`);
}

// 0. The kit folder is git-ignored like make-kit.sh does it.
mkdirSync(join(root, '.git', 'info'), { recursive: true });
const excludeFile = join(root, '.git', 'info', 'exclude');
if (!readFileSync(excludeFile, { encoding: 'utf8', flag: 'a+' }).split('\n').includes('/.gpu-kit/')) appendFileSync(excludeFile, '/.gpu-kit/\n');
for (const name of ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu']) {
  if (!existsSync(join(nodeModules, name, 'package.json'))) throw new Error(`node_modules/${name} is missing: run npm ci first`);
}

// 1. The kernel, current with src/ (the same esbuild step as npm run build's build:node).
execFileSync(process.execPath, [join(root, 'scripts', 'build-node.mjs')], { cwd: root, stdio: 'inherit' });
rmSync(stage, { recursive: true, force: true });
mkdirSync(staged, { recursive: true });
mkdirSync(traceFolder, { recursive: true });
copyFileSync(join(root, 'out', 'node', 'kernel.mjs'), join(staged, 'kernel.mjs'));
copyFileSync(join(root, 'out', 'node', 'kernel.mjs.map'), join(staged, 'kernel.mjs.map'));

// 2. The bench and the plain-tfjs script as plain JS; packages stay external (one tfjs).
// Beside `require`, the bench code uses __filename/__dirname.
const banner = [
  REQUIRE_BANNER,
  "import { fileURLToPath as __lbFileURLToPath } from 'node:url';",
  "import { dirname as __lbDirname } from 'node:path';",
  'const __filename = __lbFileURLToPath(import.meta.url);',
  'const __dirname = __lbDirname(__filename);',
].join(' ');
await build({
  ...NODE_BUNDLE,
  absWorkingDir: root,
  entryPoints: { 'gpu-bench': 'scripts/gpu-kit/gpu-main.ts', 'gpu-plain': 'bench/gpu-plain.ts' },
  outdir: staged,
  outExtension: { '.js': '.mjs' },
  banner: { js: banner },
});
log(`bundled ${readdirSync(staged).join(', ')}`);

// 3. Traced runs: the benchmark end to end (quick configs; every code path), then the probe.
const env = {
  ...process.env,
  LOSSBOOK_TRACE_DIR: traceFolder,
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${join(root, 'scripts', 'gpu-kit', 'trace-hook.cjs')} --import ${new URL('./trace-esm.mjs', import.meta.url).href}`.trim(),
  LOSSBOOK_KERNEL_ENTRY: join(staged, 'kernel.mjs'),
  LOSSBOOK_GPU_PLAIN: join(staged, 'gpu-plain.mjs'),
  LOSSBOOK_RESULTS_DIR: join(stage, 'results'),
  LOSSBOOK_BENCH_QUICK: '1',
  LOSSBOOK_BENCH_REPS: '1',
  LOSSBOOK_BENCH_CYCLES: '2',
};
log('traced run of the benchmark (quick configs) …');
const traced = spawnSync(process.execPath, [join(staged, 'gpu-bench.mjs')], { cwd: root, env, stdio: 'inherit' });
if (traced.status !== 0) throw new Error(`the traced benchmark run failed (exit ${traced.status})`);
const probe = `
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-webgpu');
require('@tensorflow/tfjs-backend-wasm');
console.log('probe: tfjs', tf.version.tfjs);
`;
const probed = spawnSync(process.execPath, ['-e', probe], { cwd: staged, env, stdio: 'inherit' });
if (probed.status !== 0) throw new Error('the probe process failed');

// 4. The file list: traced files under node_modules, their package.json chain, the wasm binaries.
const files = new Set();
const nodeModulesReal = realpathSync(nodeModules);
const insideKit = (path) => {
  const rel = relative(nodeModulesReal, path);
  if (rel.startsWith('..') || rel === '') return undefined;
  const [first, second] = rel.split(sep);
  const packageName = first?.startsWith('@') ? `${first}/${second}` : first;
  if (excludedPackages.includes(first) || excludedPackages.includes(packageName)) return undefined;
  return rel;
};
for (const traceFile of readdirSync(traceFolder)) {
  for (const line of readFileSync(join(traceFolder, traceFile), 'utf8').split('\n')) {
    if (!line || !existsSync(line) || !statSync(line).isFile()) continue;
    const rel = insideKit(realpathSync(line));
    if (rel) files.add(rel);
  }
}
const traceCount = files.size;
// Node reads the nearest package.json of every file (module type) and each package's manifest
// (main/exports) while resolving; those reads are internal, so add the whole chain.
for (const rel of [...files]) {
  let folder = dirname(join(nodeModulesReal, rel));
  while (folder.startsWith(nodeModulesReal + sep)) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest)) files.add(relative(nodeModulesReal, manifest));
    folder = dirname(folder);
  }
}
const wasmDist = join(nodeModulesReal, '@tensorflow', 'tfjs-backend-wasm', 'dist');
for (const name of readdirSync(wasmDist)) if (name.endsWith('.wasm') || name.endsWith('.worker.js')) files.add(relative(nodeModulesReal, join(wasmDist, name)));
// The threaded build's worker source and untranspiled main script, read by the kernel's wasm threads
// (src/kernel/wasm-threads.ts) on a machine with ≥ 4 cores (the GPU machines have 16).
for (const name of ['tfjs-backend-wasm-threaded-simd.worker.js', 'tfjs-backend-wasm-threaded-simd.js']) files.add(relative(nodeModulesReal, join(wasmDist, '..', 'wasm-out', name)));
// esbuild's JS spawns its platform binary (a child process, not a load): add the linux-x64 one.
for (const rel of ['@esbuild/linux-x64/bin/esbuild', '@esbuild/linux-x64/package.json']) if (existsSync(join(nodeModulesReal, rel))) files.add(rel.split('/').join(sep));
for (const required of ['esbuild/lib/main.js', '@esbuild/linux-x64/bin/esbuild', '@tensorflow/tfjs-backend-webgpu/package.json', '@tensorflow/tfjs-backend-webgpu/dist/tf-backend-webgpu.node.js', '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm']) {
  if (!files.has(required.split('/').join(sep))) throw new Error(`the trace missed ${required}`);
}
const list = [...files].sort().map((rel) => `node_modules/${rel.split(sep).join('/')}`);
const bytes = list.reduce((sum, rel) => sum + statSync(join(root, rel)).size, 0);
log(`${traceCount} files traced, ${list.length} with package.json chain and wasm binaries, ${(bytes / 2 ** 20).toFixed(1)} MiB uncompressed`);

// 5. One tar.xz: node_modules/** (pruned) + .lossbook-gpu/** (bundles, kernel), unpacked in the repo root.
rmSync(lossbookKit, { recursive: true, force: true });
mkdirSync(lossbookKit, { recursive: true });
writeFileSync(join(lossbookKit, 'files.txt'), `${list.join('\n')}\n`);
const archive = join(lossbookKit, 'lossbook.tar.xz');
execFileSync('tar', ['-cf', join(stage, 'lossbook.tar'), '--owner=0', '--group=0', '-C', root, '-T', join(lossbookKit, 'files.txt'), '-C', stage, runFolderName]);
execFileSync('xz', ['-T2', '-9', '-f', join(stage, 'lossbook.tar')]);
copyFileSync(join(stage, 'lossbook.tar.xz'), archive);
copyFileSync(join(root, 'scripts', 'gpu-kit', 'run-gpu-bench.sh'), join(lossbookKit, 'run-gpu-bench.sh'));
rmSync(stage, { recursive: true, force: true });
const size = (path) => (statSync(path).isDirectory() ? readdirSync(path).reduce((sum, name) => sum + size(join(path, name)), 0) : statSync(path).size);
log(`${relative(root, archive)}: ${(statSync(archive).size / 2 ** 20).toFixed(1)} MiB; all of .gpu-kit: ${(size(kitFolder) / 2 ** 20).toFixed(1)} MiB (limit 64 MiB with the working tree)`);
log('next: the device call in docs/gpu.md (carry [".gpu-kit"])');
