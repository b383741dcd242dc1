// Fills README.md's generated blocks from generated data, so no number in them is typed by hand:
//   examples-table: the table of examples/RESULTS.md (scripts/examples-table.ts runs the gallery)
//   bench-table:    one row per bench/results/<name>.json with its targets, met or not
//   layer-matrix:   the layer-family × backend table of docs/layer-matrix.md (scripts/layer-matrix-table.ts)
// `node scripts/sync-readme.mjs` rewrites README.md; `--check` exits 1 if it is out of date.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const readmePath = `${root}README.md`;

export function examplesTable() {
  const results = readFileSync(`${root}examples/RESULTS.md`, 'utf8');
  const rows = results.split('\n').filter((line) => line.startsWith('|'));
  // Links in RESULTS.md are relative to examples/.
  return rows.map((row) => row.replace(/\]\((?!https?:)([^)]+)\)/g, '](examples/$1)')).join('\n');
}

/** The layer-family × backend table of docs/layer-matrix.md (scripts/layer-matrix-table.ts trains every family). */
export function layerMatrixTable() {
  const matrix = readFileSync(`${root}docs/layer-matrix.md`, 'utf8');
  const lines = matrix.split('\n');
  const rows = lines.filter((line) => line.startsWith('|'));
  const summary = lines.filter((line) => /^\w+: \d+ of \d+ trained/.test(line));
  // Links in docs/layer-matrix.md are relative to docs/.
  return [...rows, '', ...summary].map((row) => row.replace(/\]\(\.\.\/([^)]+)\)/g, ']($1)')).join('\n');
}

const round = (value, digits = 3) => (typeof value === 'number' && Number.isFinite(value) ? Number(value.toPrecision(digits)) : '—');
const mb = (bytes) => `${round(bytes / 2 ** 20)} MB`;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The one-line headline of each benchmark, from its saved result. */
const headlines = {
  lifetimes: (r) => `${r.cycles} interrupted MNIST training cycles: Lossbook leaked ${mb(r.lossbook.leaked.bytes)}, plain tfjs ${mb(r.plain.leaked.bytes)}`,
  interrupt: (r) =>
    `interrupt → idle, median: fit ${round(median(r.latenciesMs.fit))} ms (batch ${round(r.batchMs)} ms), custom loop ${round(median(r.latenciesMs.customLoop))} ms, sync loop ${round(median(r.latenciesMs.syncLoop))} ms, stuck cell (kill + restart) ${round(median(r.latenciesMs.stuck))} ms`,
  overhead: (r) =>
    `same training code, Lossbook cell / plain Node: CPU time ${round(r.cpuRatio)}× (90% interval ${round(r.cpuRatioInterval90[0])}–${round(r.cpuRatioInterval90[1])}, ${r.rounds} rounds in ${r.sessions} sessions of fresh processes), wall ${round(r.wallRatio)}×; kernel without monitor ${round(r.kernelOnlyCpuRatio)}×; time in the monitor ${round(100 * r.monitor?.inMonitorShareOfPlain)}% of plain`,
  chart: (r) => `${r.series.initialPoints.toLocaleString('en')} points + ${r.series.batchPoints} every ${r.series.intervalMs} ms: update median ${round(r.updateMedianMs)} ms, p95 ${round(r.updateP95Ms)} ms; first render ${round(r.firstRenderMs)} ms`,
  'file-format': (r) => `${r.points.toLocaleString('en')} points: ${r.megabytes} MB file, opens in ${r.openMsMedian} ms (median), saves in ${r.saveMsMedian} ms`,
  fuzz: (r) => `${r.cases.toLocaleString('en')} of ${r.runs.toLocaleString('en')} mutated real notebooks through export (seed ${r.seed}): median ${round(r.medianMs)} ms, p99 ${round(r.p99Ms)} ms, slowest ${round(r.slowestMs)} ms`,
  sweep: (r) => `${r.trials} trials: lossbook.sweep / plain loop = ${round(r.ratio)}× (${round(r.overheadPerTrialMs)} ms per trial)`,
  backends: backendsHeadline,
  'ray-sweep': (r) =>
    r.skipped
      ? `skipped: ${r.skipped}`
      : `${r.trials} short trials on 2 cores: processes: 2 / kernel ${round(r.ratios.processesOverKernel)}×, Ray / kernel ${round(r.ratios.rayOverKernel)}× wall time; submission → first metric, median: processes ${round(median(r.firstMetricMs.processes) / 1000)} s, Ray ${round(median(r.firstMetricMs.ray) / 1000)} s (load ${round(r.loadAverage[0])}; docs/ray.md)`,
  runs: (r) =>
    `${r.runs.toLocaleString('en')} runs × ${r.pointsPerRun.toLocaleString('en')} points (${round(r.bytes / 2 ** 20)} MB): in Chromium the table's first rows in ${Array.isArray(r.chromiumOpenMs?.firstRows) ? `${round(median(r.chromiumOpenMs.firstRows))} ms, all runs in ${round(median(r.chromiumOpenMs.complete))} ms` : 'n/a (not built)'}, the whole listing host → page ${round(median(r.openMs))} ms, filter ≤ ${round(Math.max(...Object.values(r.filters)))} ms, overlay of 20 runs ${round(median(r.overlayMs))} ms; recording ${round(100 * r.recording.medianShare)}% of a run (median of ${r.recording.runs.length}, ${round(median(r.recording.runs.map((run) => run.runMs)) / 1000)} s each; load ${round(r.loadAverage[0])})`,
  diagnosis: (r) =>
    `${r.all.buggy} buggy runs (${r.realFaults.buggy} real faults) and ${r.all.healthy} healthy controls: recall ${round(r.all.recall)}, top-1 verdict ${round(r.all.topOne)}, median ${r.all.medianTopLevel} top-level findings (max ${r.all.maxTopLevel}), ${r.all.healthyWarnings.length} healthy with a warning, ${r.fixes.ranAndCleared}/${r.fixes.offered} offered fixes ran and cleared their finding`,
};

export function benchTable() {
  const dir = `${root}bench/results/`;
  const rows = ['| benchmark | result | targets |', '|---|---|---|'];
  // gpu-no-gpu.json (a GPU benchmark run where no GPU exists) is local only and proves nothing.
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'gpu-no-gpu.json').sort()) {
    const name = file.replace(/\.json$/, '');
    const result = JSON.parse(readFileSync(dir + file, 'utf8'));
    const headline =
      headlines[name] ?? (name.startsWith('gpu-') ? gpuHeadline : name.startsWith('webgpu-software-') ? softwareAdapterHeadline : name.startsWith('webgpu-dispatch-') ? dispatchHeadline : () => '');
    let text;
    try {
      text = headline(result);
    } catch {
      text = '(see the JSON)';
    }
    const targets = Object.entries(result.targets ?? {}).map(([target, met]) => `${met ? '✔' : '✘'} ${target}`).join('<br>');
    rows.push(`| [${name}](bench/results/${file}) | ${text} | ${targets} |`);
  }
  return rows.join('\n');
}

function gpuHeadline(r) {
  if (!r.webgpu?.available) return `no GPU: ${r.webgpu?.reason ?? 'webgpu unavailable'}`;
  return (r.webgpu.rows ?? []).map((row) => `${row.hidden}/${row.batch}: ${round(row.lossbookSamplesPerSecond)} samples/s (${round(row.ratio)}× plain)`).join('; ') + ` on ${r.device}`;
}

/** wasm on every core vs 1 thread vs cpu (and PyTorch where it imports), samples/s medians. */
function backendsHeadline(r) {
  const by = (prefix) => r.backends.find((b) => b.label.startsWith(prefix) && b.available);
  const single = by('wasm, 1 thread');
  const every = r.backends[1];
  const cpu = by('cpu');
  const torch = by('PyTorch');
  const rate = (row, metric) => `${round(row?.[metric])}/s`;
  return (
    `MNIST MLP training: wasm 1 thread ${rate(single, 'mlpTrainSamplesPerSecond')}, ${r.wasmThreads} threads ${rate(every, 'mlpTrainSamplesPerSecond')} (${round(r.ratios.wasmEveryCoreOverOneThreadMlpTrain)}×), cpu ${rate(cpu, 'mlpTrainSamplesPerSecond')}` +
    `${torch ? `, PyTorch CPU ${rate(torch, 'mlpTrainSamplesPerSecond')}` : ''}; 784-1024-1024-10: ${r.wasmThreads} threads / 1 thread ${round(r.ratios.wasmEveryCoreOverOneThreadWideMlpTrain)}×; CNN inference ${r.wasmThreads} threads / 1 thread ${round(r.ratios.wasmEveryCoreOverOneThreadCnnPredict)}× (${r.cores} shared cores, load ${round(r.loadAverage1mBeforeAfter[0], 2)})`
  );
}

/** Dispatches per Adam step and steps/s, tfjs's update vs Lossbook's fused kernels. */
function dispatchHeadline(r) {
  const rows = r.rows.map((row) => `784-${row.hidden}-${row.hidden}-10: ${row.plainDispatchesPerStep} → ${row.lossbookDispatchesPerStep} dispatches per step (${round(row.plainOverLossbookDispatches)}× fewer), steps/s ${round(row.lossbookOverPlainStepsPerSecond)}×`);
  return `${rows.join('; ')} on ${r.adapter}`;
}

/** webgpu on a software adapter: the real webgpu backend's memory behaviour, no GPU speed. */
function softwareAdapterHeadline(r) {
  const cycles = r.interruptCycles ?? {};
  const pool = (snapshot) => round((snapshot?.gpu?.pooledBytes ?? 0) / 2 ** 20);
  return `webgpu backend on a software adapter (${String(r.device ?? '').split(' (')[0]}, Vulkan on the CPU; not a GPU): ${cycles.cycles?.length ?? 0} interrupt cycles leaked ${cycles.cycles?.reduce((n, c) => n + (c.leakedBytes ?? 0), 0) ?? 0} bytes; buffer pool ${pool(cycles.beforeFree)} MB before "free memory", ${pool(cycles.afterFree)} MB after (fresh kernel ${pool(cycles.fresh)} MB)`;
}

export function syncedReadme(text = readFileSync(readmePath, 'utf8')) {
  const fill = (source, marker, body) => {
    const pattern = new RegExp(`(<!-- ${marker}:start -->)[\\s\\S]*?(<!-- ${marker}:end -->)`);
    if (!pattern.test(source)) throw new Error(`README.md has no <!-- ${marker}:start/end --> block`);
    return source.replace(pattern, `$1\n${body}\n$2`);
  };
  return fill(fill(fill(text, 'examples-table', examplesTable()), 'bench-table', benchTable()), 'layer-matrix', layerMatrixTable());
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const current = readFileSync(readmePath, 'utf8');
  const synced = syncedReadme(current);
  if (process.argv.includes('--check')) {
    if (synced !== current) {
      console.error('README.md is out of date: run node scripts/sync-readme.mjs');
      process.exit(1);
    }
  } else if (synced !== current) {
    writeFileSync(readmePath, synced);
    console.log('README.md updated');
  } else console.log('README.md is up to date');
}
