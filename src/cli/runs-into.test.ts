// `lossbook runs compare A B --into NB.lossbook` (issue 20): two real runs of one script, its
// learning rate lowered in between, recorded by `lossbook run` in a real run store; their
// comparison goes into the notebook the first run saved, and `lossbook export` of that notebook
// shows it. A notebook that cannot take it is refused with the reason and keeps every byte.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNotebookFile } from '../host/files';
import { KernelSupervisor } from '../host/kernel-supervisor';
import { exportCommand, runCommand, type CommandIo } from './commands';
import { EXIT } from './exit-codes';
import { runsCompareCommand, runsDeleteCommand } from './runs-commands';
import { textSink } from './text-sink';

const script = (rate: number) => `import * as tf from '@tensorflow/tfjs';
const xs = tf.randomNormal([32, 3], 0, 1, 'float32', 7);
const ys = xs.sum(1, true);
const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3], activation: 'relu' }), tf.layers.dense({ units: 1 })] });
model.compile({ optimizer: tf.train.adam(${rate}), loss: 'meanSquaredError', metrics: ['mae'] });
await model.fit(xs, ys, { epochs: 3, batchSize: 8, validationSplit: 0.25, verbose: 0 });
`;

let folder: string;
let runsDb: string;
let notebookPath: string;
const io = (): CommandIo & { stdout: ReturnType<typeof textSink>; stderr: ReturnType<typeof textSink> } => ({ stdout: textSink(), stderr: textSink(), env: { CI: '1', LOSSBOOK_SEED: '7' } });
const digest = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'lossbook-runs-into-'));
  runsDb = join(folder, 'runs.db');
  notebookPath = join(folder, 'lr.lossbook');
  const train = join(folder, 'train.ts');
  const supervisor = (options: ConstructorParameters<typeof KernelSupervisor>[0]) => new KernelSupervisor(options);
  await writeFile(train, script(0.1));
  expect(await runCommand(train, { backend: 'cpu', runsDb, save: notebookPath }, io(), supervisor)).toBe(EXIT.ok);
  await writeFile(train, script(0.001));
  expect(await runCommand(train, { backend: 'cpu', runsDb }, io(), supervisor)).toBe(EXIT.ok);
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('lossbook runs compare --into', () => {
  it('adds the comparison to the notebook, says so, and the notebook’s report shows it', async () => {
    const out = io();
    expect(await runsCompareCommand('1', '2', { runsDb, into: notebookPath }, out)).toBe(EXIT.ok);
    expect(out.stderr.text).toContain(`lossbook: added the comparison of run #1 and #2 to ${notebookPath} (1 comparison in it now`);
    expect(out.stdout.text).toContain('params.learningRate: 0.1 → 0.001'); // the text comparison still prints

    const notebook = await readNotebookFile(notebookPath);
    expect(notebook.cells.some((cell) => cell.runs.length > 0)).toBe(true); // what the run saved is still there
    const [saved] = notebook.comparisons!;
    expect(saved!.runs.a.number).toBe(1);
    expect(saved!.runs.b.number).toBe(2);
    expect(saved!.comparison.config.find((difference) => difference.key === 'params.learningRate')).toEqual({ key: 'params.learningRate', a: 0.1, b: 0.001 });
    expect(saved!.curves.a.map((series) => series.name).sort()).toEqual(['loss', 'mae', 'val_loss', 'val_mae']);
    expect(JSON.parse(await readFile(notebookPath, 'utf8')).formatVersion).toBe(2);

    // A second one is appended after it.
    const again = io();
    expect(await runsCompareCommand('2', '1', { runsDb, into: notebookPath }, again)).toBe(EXIT.ok);
    expect(again.stderr.text).toContain('(2 comparisons in it now');
    expect((await readNotebookFile(notebookPath)).comparisons!.map((snapshot) => snapshot.runs.a.number)).toEqual([1, 2]);

    const html = join(folder, 'lr.html');
    expect(await exportCommand(notebookPath, { html }, io())).toBe(EXIT.ok);
    const report = await readFile(html, 'utf8');
    expect(report).toContain('<h2 id="comparisons">Comparisons</h2>');
    expect(report).toContain('<a href="#comparison-0">Run #1 vs #2</a>');
    expect(report).toContain('<a href="#comparison-1">Run #2 vs #1</a>');
    expect(report).toContain('<tr><td><code>params.learningRate</code></td><td>0.1</td><td>0.001</td></tr>');

    // Running the notebook again keeps its comparisons: in the saved file and in the run's report.
    const rerunReport = join(folder, 'rerun.html');
    expect(await runCommand(notebookPath, { backend: 'cpu', runsDb, save: notebookPath, report: rerunReport }, io(), (options) => new KernelSupervisor(options))).toBe(EXIT.ok);
    expect((await readNotebookFile(notebookPath)).comparisons).toHaveLength(2);
    expect(await readFile(rerunReport, 'utf8')).toContain('<a href="#comparison-1">Run #2 vs #1</a>');
  });

  it('refuses a damaged, newer or non-.lossbook notebook with the reason, leaving it byte for byte', async () => {
    const good = await readFile(notebookPath, 'utf8');
    const cases: Array<[string, string, RegExp]> = [
      ['truncated.lossbook', good.slice(0, good.length / 2), /truncated/],
      ['newer.lossbook', JSON.stringify({ ...JSON.parse(good), formatVersion: 99, savedBy: 'Lossbook 9.0.0' }), /saved by Lossbook 9\.0\.0 in format version 99; this Lossbook reads versions 0 to 2/],
      ['damaged.lossbook', good.replace('"comparisons": [', '"comparisons": [{"id": 1},'), /comparisons\.0/],
      ['script.ts', '// %%\nconsole.log(1);\n', /not one \(scripts and Jupyter notebooks cannot keep comparisons\)/],
    ];
    const missing = io();
    expect(await runsCompareCommand('1', '2', { runsDb, into: join(folder, 'missing.lossbook') }, missing)).toBe(EXIT.usage);
    expect(missing.stderr.text).toMatch(/Cannot open "missing\.lossbook".*The comparison was not added: nothing was written\./);
    for (const [name, text, reason] of cases) {
      const path = join(folder, name);
      await writeFile(path, text);
      const before = await digest(path);
      const out = io();
      expect(await runsCompareCommand('1', '2', { runsDb, into: path }, out), name).toBe(EXIT.usage);
      expect(out.stderr.text).toMatch(reason);
      expect(out.stderr.text).toContain('The comparison was not added: nothing was written.');
      expect(out.stdout.text).toBe('');
      expect(await digest(path), name).toBe(before);
    }
  });

  it('keeps showing the comparison after its runs are deleted from the store: the notebook holds a snapshot', async () => {
    expect(await runsDeleteCommand(['1', '2'], { runsDb }, io())).toBe(EXIT.ok);
    const html = join(folder, 'after-delete.html');
    expect(await exportCommand(notebookPath, { html }, io())).toBe(EXIT.ok);
    const report = await readFile(html, 'utf8');
    expect(report).toContain('<a href="#comparison-0">Run #1 vs #2</a>');
    expect(report).toContain('id="comparison-0-chart-0"');
  });
});
