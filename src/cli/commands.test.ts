// The CLI's commands on tiny real scripts, through the real KernelSupervisor (a kernel process
// per command, cpu backend, tens of samples). The built binary is exercised in e2e/cli.e2e.ts.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KernelSupervisor } from '../host/kernel-supervisor';
import { readNotebookFile } from '../host/files';
import { backendSatisfies, doctorCommand, exportCommand, formatDoctorReport, parseBackend, runCommand, UsageError, type CommandIo } from './commands';
import { EXIT } from './exit-codes';
import type { RunJson } from './run-json';

// Seeded (LOSSBOOK_SEED): the tiny trainings here draw the same initial weights and shuffles on
// every run, so what they are diagnosed with does not drift from run to run.
const createSupervisor = (options: ConstructorParameters<typeof KernelSupervisor>[0]) => new KernelSupervisor({ ...options, env: { ...options?.env, LOSSBOOK_SEED: '7' } });

class Capture extends Writable {
  text = '';
  private watchers: Array<{ pattern: RegExp; resolve: () => void }> = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    for (const watcher of this.watchers.filter((candidate) => candidate.pattern.test(this.text))) {
      this.watchers.splice(this.watchers.indexOf(watcher), 1);
      watcher.resolve();
    }
    callback();
  }
  when(pattern: RegExp): Promise<void> {
    return pattern.test(this.text) ? Promise.resolve() : new Promise((resolve) => this.watchers.push({ pattern, resolve }));
  }
}

function makeIo(): CommandIo & { out: Capture; err: Capture; signal(name: 'SIGINT' | 'SIGTERM'): void } {
  const out = new Capture();
  const err = new Capture();
  let listener: ((signal: 'SIGINT' | 'SIGTERM') => void) | undefined;
  return {
    stdout: out,
    stderr: err,
    out,
    err,
    // Recording (issue 20) is tested in e2e/runs.e2e.ts; here it would write to the user's data folder.
    env: { CI: '1', LOSSBOOK_RUNS_DB: 'off' },
    onSignal(callback) {
      listener = callback;
      return () => (listener = undefined);
    },
    signal(name) {
      listener?.(name);
    },
  };
}

const DATA = `import * as tf from '@tensorflow/tfjs';
const xs = tf.randomNormal([32, 3], 0, 1, 'float32', 7);
const ys = xs.sum(1, true);
`;

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'lossbook-cli-'));
  await writeFile(
    join(folder, 'healthy.ts'),
    `// %%\n${DATA}// %%\nconst model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3], activation: 'relu' }), tf.layers.dense({ units: 1 })] });\nmodel.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });\nawait model.fit(xs, ys, { epochs: 3, batchSize: 8, validationSplit: 0.25, verbose: 0 });\nconsole.log('trained');\n`,
  );
  await writeFile(
    join(folder, 'diverging.ts'),
    `${DATA}const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [3], activation: 'relu' }), tf.layers.dense({ units: 1 })] });\nmodel.compile({ optimizer: tf.train.sgd(10), loss: 'meanSquaredError' });\nawait model.fit(xs, ys, { epochs: 3, batchSize: 8, verbose: 0 });\n`,
  );
  await writeFile(
    join(folder, 'sweep.ts'),
    `import * as tf from '@tensorflow/tfjs';\nconst r = await lossbook.sweep({ space: { lr: lossbook.sweep.logUniform(1e-3, 1) }, trials: 4, metric: 'val_loss', train: async ({ lr }, report) => { const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] }); m.compile({ optimizer: tf.train.sgd(lr), loss: 'meanSquaredError' }); const x = tf.randomNormal([32, 2]); const y = x.sum(1, true); await m.fit(x, y, { epochs: 3, validationSplit: 0.25, verbose: 0, callbacks: [report.callback] }); } });\nconsole.log('best trial', r.best?.id, 'of', r.trials.length);\n`,
  );
  await writeFile(join(folder, 'throws.js'), `// %%\nconst a = 1;\n// %%\nthrow new Error('cell exploded');\n// %%\nconsole.log('never runs');\n`);
  await writeFile(
    join(folder, 'long.ts'),
    `${DATA}const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3] }), tf.layers.dense({ units: 1 })] });\nmodel.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });\nawait model.fit(xs, ys, { epochs: 100000, batchSize: 4, verbose: 0 });\n`,
  );
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('lossbook run', () => {
  it('runs a percent script and writes --json in the documented shape, --save and --report', async () => {
    const io = makeIo();
    const json = join(folder, 'healthy.json');
    const code = await runCommand(join(folder, 'healthy.ts'), { json, save: join(folder, 'healthy.lossbook'), report: join(folder, 'healthy.html'), backend: 'cpu' }, io, createSupervisor);
    expect(code).toBe(EXIT.ok);
    expect(io.out.text).toContain('trained');
    expect(io.err.text).toMatch(/epoch 3\/3/);
    const result = JSON.parse(await readFile(json, 'utf8')) as RunJson;
    expect(Object.keys(result)).toEqual(['lossbookVersion', 'backend', 'runs', 'sweeps']);
    expect(result.backend).toBe('cpu');
    expect(result.runs.map((run) => run.cell)).toEqual([0, 1]);
    const training = result.runs[1]!;
    expect(Object.keys(training)).toEqual(['cell', 'metrics', 'steps', 'verdict', 'findings', 'memory']);
    expect(training.verdict).toBeNull();
    expect(training.metrics.loss!.length).toBeGreaterThanOrEqual(9); // 24 training samples / batch 8 × 3 epochs
    expect(training.metrics.val_loss).toHaveLength(3);
    // Each value has its step; an epoch's validation sits at the step of its last batch, on the loss curve.
    expect(Object.keys(training.steps)).toEqual(Object.keys(training.metrics));
    for (const name of Object.keys(training.metrics)) expect(training.steps[name]).toHaveLength(training.metrics[name]!.length);
    expect(training.steps.val_loss!.every((step) => training.steps.loss!.includes(step))).toBe(true);
    expect(training.steps.val_loss!.at(-1)).toBe(training.steps.loss!.at(-1));
    expect(Object.keys(training.memory!)).toEqual(['tensorsBefore', 'tensorsAfter', 'bytesBefore', 'bytesAfter']);
    for (const finding of training.findings) expect(Object.keys(finding)).toEqual(['id', 'severity', 'title', 'evidence', 'step', 'epoch', 'explainedBy']);
    const saved = await readNotebookFile(join(folder, 'healthy.lossbook'));
    expect(saved.cells[1]!.runs[0]!.series.find((series) => series.name === 'loss')!.values).toHaveLength(training.metrics.loss!.length);
    expect(saved.metadata.lastBackend?.name).toBe('cpu');
    expect(await readFile(join(folder, 'healthy.html'), 'utf8')).toContain('<div class="chart"');
  });

  it('lists a lossbook.sweep cell in --json sweeps (one entry, its last state) and in the report', async () => {
    const io = makeIo();
    const json = join(folder, 'sweep.json');
    const code = await runCommand(join(folder, 'sweep.ts'), { json, save: join(folder, 'sweep.lossbook'), report: join(folder, 'sweep.html'), backend: 'cpu' }, io, createSupervisor);
    expect(code).toBe(EXIT.ok);
    const result = JSON.parse(await readFile(json, 'utf8')) as RunJson;
    expect(result.sweeps).toHaveLength(1);
    const [sweep] = result.sweeps;
    expect(Object.keys(sweep!)).toEqual(['cell', 'name', 'metric', 'goal', 'best', 'trials', 'commonFindings']);
    expect(sweep).toMatchObject({ cell: 0, metric: 'val_loss', goal: 'min' });
    expect(sweep!.trials.map((trial) => trial.id).sort()).toEqual([0, 1, 2, 3]);
    for (const trial of sweep!.trials) {
      expect(Object.keys(trial)).toEqual(['id', 'status', 'params', 'best', 'final', 'prunedAt', 'reason', 'findings', 'where', 'attempts']);
      expect(trial.params.lr).toBeGreaterThanOrEqual(1e-3);
      expect(trial.params.lr).toBeLessThanOrEqual(1);
      expect(['completed', 'pruned', 'failed']).toContain(trial.status);
    }
    // Best first; the best entry is the first trial, and the cell's own result agrees.
    const finite = sweep!.trials.filter((trial) => trial.best !== null).map((trial) => trial.best!);
    expect(finite).toEqual([...finite].sort((a, b) => a - b));
    expect(sweep!.best).toEqual({ trial: sweep!.trials[0]!.id, params: sweep!.trials[0]!.params, value: finite[0] });
    expect(io.out.text).toContain(`best trial ${sweep!.best!.trial} of 4`);
    // The saved notebook keeps the newest snapshot only (it holds every trial), so files do not
    // grow with trials²; --json and the report show it once.
    const saved = await readNotebookFile(join(folder, 'sweep.lossbook'));
    const snapshots = saved.cells[0]!.runs[0]!.artifacts.filter((artifact) => artifact.kind === 'sweep');
    expect(snapshots).toHaveLength(1);
    expect((snapshots[0]!.data as { state: { trials: unknown[] } }).state.trials).toHaveLength(4);
    const html = await readFile(join(folder, 'sweep.html'), 'utf8');
    expect(html.match(/<section class="sweep"/g)).toHaveLength(1);
    expect(html).toContain('class="chart sweep-parallel"');
  });

  it('trains conv2d, conv1d, separable, transposed-conv, batch-norm and embedding+LSTM+GRU models on the default backend (issue 18)', async () => {
    const io = makeIo();
    const json = join(folder, 'every-layer-family.json');
    const script = join(import.meta.dirname, '../../examples/every-layer-family.ts');
    expect(await runCommand(script, { json }, io, createSupervisor)).toBe(EXIT.ok);
    const result = JSON.parse(await readFile(json, 'utf8')) as RunJson;
    const trained = io.out.text.match(/^.+: trained on \S+ \(loss [\d.]+ → [\d.]+\)$/gm) ?? [];
    expect(trained.map((line) => line.split(':')[0])).toEqual(['conv2d + maxPooling2d', 'conv2d + batchNormalization + averagePooling2d', 'separableConv2d + depthwiseConv2d', 'conv1d', 'conv2dTranspose', 'embedding + LSTM + GRU']);
    expect(io.out.text).toContain('all trained');
    // wasm (the default after npm ci) lacks these kernels; the run says which ones Lossbook supplied.
    if (result.backend === 'wasm') {
      const fallback = result.runs.flatMap((run) => run.findings).filter((finding) => finding.id === 'perf.kernel-fallback');
      expect(fallback.map((finding) => finding.evidence).join('\n')).toMatch(/Conv2DBackpropFilter \(composed/);
      expect(fallback.map((finding) => finding.evidence).join('\n')).toMatch(/UnsortedSegmentSum \(composed/);
    }
  });

  it('exits 3 with --fail-on error when the diagnosis finds an error', async () => {
    const io = makeIo();
    const json = join(folder, 'diverging.json');
    expect(await runCommand(join(folder, 'diverging.ts'), { json, backend: 'cpu', failOn: 'error' }, io, createSupervisor)).toBe(EXIT.findings);
    expect(io.err.text).toMatch(/--fail-on error: \d+ finding\(s\) — .*loss\.nan/);
    const result = JSON.parse(await readFile(json, 'utf8')) as RunJson;
    const nan = result.runs[0]!.findings.find((finding) => finding.id === 'loss.nan');
    expect(nan).toMatchObject({ severity: 'error', step: expect.any(Number) });
    // SGD at 10: the learning rate is the verdict, the NaN is folded under it — in --json and the summary line.
    expect(result.runs[0]!.verdict).toMatchObject({ id: 'opt.lr-out-of-range', role: 'cause', severity: 'error' });
    expect(nan!.explainedBy).toBe('opt.lr-out-of-range');
    expect(io.err.text).toMatch(/verdict: Learning rate out of the usual range \[opt\.lr-out-of-range\] — SGD learning rate 10 > 1 \(explains [^)]*loss\.nan/);
    expect(result.runs[0]!.metrics.loss).toContain(null); // the NaN losses, as null
  });

  it('exits 1 when a cell throws and does not run the cells after it', async () => {
    const io = makeIo();
    const json = join(folder, 'throws.json');
    expect(await runCommand(join(folder, 'throws.js'), { json, backend: 'cpu' }, io, createSupervisor)).toBe(EXIT.cellFailed);
    expect(io.err.text).toContain('cell exploded');
    expect(io.out.text).not.toContain('never runs');
    expect((JSON.parse(await readFile(json, 'utf8')) as RunJson).runs).toHaveLength(2);
  });

  it('Ctrl+C interrupts training at a batch boundary, frees its tensors and still writes the JSON (exit 130)', async () => {
    const io = makeIo();
    const json = join(folder, 'interrupted.json');
    const running = runCommand(join(folder, 'long.ts'), { json, save: join(folder, 'interrupted.lossbook'), backend: 'cpu' }, io, createSupervisor);
    await io.err.when(/epoch 2\//);
    io.signal('SIGINT');
    expect(await running).toBe(EXIT.interrupted);
    const result = JSON.parse(await readFile(json, 'utf8')) as RunJson;
    expect(result.runs[0]!.metrics.loss!.length).toBeGreaterThan(8);
    const saved = await readNotebookFile(join(folder, 'interrupted.lossbook'));
    const run = saved.cells[0]!.runs[0]!;
    expect(run.status).toBe('interrupted');
    expect(run.memory?.leaked).toEqual({ tensors: 0, bytes: 0 });
  });

  it('--timeout interrupts and exits 4, keeping what was gathered', async () => {
    const io = makeIo();
    const json = join(folder, 'timeout.json');
    expect(await runCommand(join(folder, 'long.ts'), { json, backend: 'cpu', timeout: '3' }, io, createSupervisor)).toBe(EXIT.timeout);
    expect(io.err.text).toContain('--timeout 3 s reached');
    expect((JSON.parse(await readFile(json, 'utf8')) as RunJson).runs[0]!.metrics.loss!.length).toBeGreaterThan(0);
  });

  it('refuses bad input with exit 2 and the reason', async () => {
    const io = makeIo();
    await writeFile(join(folder, 'broken.lossbook'), '{"format": "lossbook", "formatVersion": 1, "cells": [');
    expect(await runCommand(join(folder, 'broken.lossbook'), {}, io, createSupervisor)).toBe(EXIT.usage);
    expect(io.err.text).toMatch(/truncated/);
    expect(await runCommand(join(folder, 'missing.ts'), {}, io, createSupervisor)).toBe(EXIT.usage);
    expect(io.err.text).toMatch(/does not exist/);
    await expect(runCommand(join(folder, 'healthy.ts'), { backend: 'tpu' }, io, createSupervisor)).rejects.toBeInstanceOf(UsageError);
    await expect(runCommand(join(folder, 'healthy.ts'), { timeout: '-1' }, io, createSupervisor)).rejects.toBeInstanceOf(UsageError);
  });

  it('says which requests a loaded backend satisfies (a forced gpu that fell back to wasm does not)', () => {
    const wasm = { name: 'wasm' as const, requested: 'gpu' as const, requestedBy: 'flag' as const, attempts: [], tfjsVersion: '4.22.0', isGpu: false };
    expect(backendSatisfies(wasm, 'gpu')).toBe(false);
    expect(backendSatisfies(wasm, 'wasm')).toBe(true);
    expect(backendSatisfies(wasm, 'auto')).toBe(true);
    expect(backendSatisfies({ ...wasm, name: 'webgpu', isGpu: true }, 'gpu')).toBe(true);
    expect(backendSatisfies({ ...wasm, name: 'tensorflow' }, 'node')).toBe(true);
  });

  it('reads --backend, then LOSSBOOK_BACKEND, then defaults to auto', () => {
    expect(parseBackend('GPU', {})).toEqual({ backend: 'gpu', requestedBy: 'flag' });
    expect(parseBackend(undefined, { LOSSBOOK_BACKEND: 'wasm' })).toEqual({ backend: 'wasm', requestedBy: 'env' });
    expect(parseBackend(undefined, {})).toEqual({ backend: 'auto', requestedBy: 'default' });
    expect(() => parseBackend(undefined, { LOSSBOOK_BACKEND: 'quantum' })).toThrow(/LOSSBOOK_BACKEND/);
  });
});

describe('lossbook export and doctor', () => {
  it('exports a saved notebook to HTML and a percent script', async () => {
    const io = makeIo();
    const notebook = join(folder, 'healthy.lossbook');
    expect(await exportCommand(notebook, { html: join(folder, 'exported.html'), script: join(folder, 'exported.ts') }, io)).toBe(EXIT.ok);
    expect(await readFile(join(folder, 'exported.html'), 'utf8')).toContain('Content-Security-Policy');
    expect(await readFile(join(folder, 'exported.ts'), 'utf8')).toContain('// %%');
  });

  it('runs a tslab .ipynb (its tfjs-node import gets the kernel’s tf) and exports it back as valid nbformat 4.5', async () => {
    const io = makeIo();
    const input = join(folder, 'regression.ipynb');
    await writeFile(input, await readFile(fileURLToPath(new URL('../../examples/jupyter/linear-regression.tslab.ipynb', import.meta.url)), 'utf8'));
    const saved = join(folder, 'regression.lossbook');
    const json = join(folder, 'regression.json');
    expect(await runCommand(input, { json, save: saved, backend: 'cpu' }, io, createSupervisor)).toBe(EXIT.ok);
    expect(io.out.text).toMatch(/final loss \d/);
    expect(io.out.text).toMatch(/f\(10\) = /);
    const result = JSON.parse(await readFile(json, 'utf8')) as RunJson;
    // Three code cells ran (the markdown cell is not a run); the fit cell has its loss curve.
    expect(result.runs.map((run) => run.cell)).toEqual([1, 2, 3]);
    expect(result.runs[1]!.metrics.loss).toHaveLength(60);

    const out = join(folder, 'regression-out.ipynb');
    expect(await exportCommand(saved, { ipynb: out }, io)).toBe(EXIT.ok);
    const exported = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
    const schema = JSON.parse(await readFile(fileURLToPath(new URL('../../resources/nbformat/nbformat.v4.5.schema.json', import.meta.url)), 'utf8')) as Record<string, unknown>;
    delete schema.$schema;
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(exported), JSON.stringify(validate.errors)).toBe(true);
    const original = await readNotebookFile(input);
    const back = await readNotebookFile(out);
    expect(back.cells.map((cell) => [cell.id, cell.kind, cell.source])).toEqual(original.cells.map((cell) => [cell.id, cell.kind, cell.source]));
    expect(back.cells[2]!.outputs).toEqual([expect.objectContaining({ type: 'stream', text: expect.stringMatching(/^final loss \d/) })]);
    expect(await exportCommand(saved, { ipynb: join(folder, 'wrong.json') }, io)).toBe(EXIT.usage);
    expect(io.err.text).toMatch(/ending in \.ipynb/);
  });

  it('runs a Deno .ipynb whose imports are npm: specifiers (issue 21)', async () => {
    const io = makeIo();
    const input = join(folder, 'deno.ipynb');
    await writeFile(input, await readFile(fileURLToPath(new URL('../../examples/jupyter/linear-regression.deno.ipynb', import.meta.url)), 'utf8'));
    expect(await runCommand(input, { backend: 'cpu' }, io, createSupervisor)).toBe(EXIT.ok);
    expect(io.out.text).toMatch(/final loss \d/);
    expect(io.out.text).toMatch(/f\(10\) = /);
  });

  it('doctor names the backend chosen, every backend of the chain and why the others did not load', async () => {
    const io = makeIo();
    expect(await doctorCommand({ json: true }, io, createSupervisor)).toBe(EXIT.ok);
    const report = JSON.parse(io.out.text) as { auto: { name: string }; backends: Array<{ backend: string; loads: boolean; reason?: string }> };
    expect(report.backends.map((entry) => entry.backend)).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']);
    expect(report.backends.find((entry) => entry.backend === 'cpu')?.loads).toBe(true);
    for (const entry of report.backends.filter((candidate) => !candidate.loads)) expect(entry.reason).toBeTruthy();
    expect(report.backends.find((entry) => entry.backend === report.auto.name)?.loads).toBe(true);
    // Issue 18: the kernels wasm lacks, and how Lossbook supplies them.
    const wasm = (report.backends as Array<{ backend: string; suppliedKernels?: { composed: string[]; corrected: string[]; cpuFallback: string[] } }>).find((entry) => entry.backend === 'wasm');
    expect(wasm?.suppliedKernels?.composed).toEqual(expect.arrayContaining(['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum']));
    expect(wasm?.suppliedKernels?.corrected).toContain('MaxPoolGrad');
    expect(wasm?.suppliedKernels?.cpuFallback).toContain('Einsum');
    expect(formatDoctorReport(report as never)).toMatch(/lacks, composed by Lossbook from its own kernels: .*Conv2DBackpropFilter/);
  });
});
