// Issue 20's "done when", through the built `lossbook` binary: the same script run twice with two
// learning rates is recorded in an SQLite file named by --runs-db; `runs list --json` has both
// with their learningRate; `runs compare` shows what changed; export, tag, note and delete work.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/lossbook.mjs');

function lossbook(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, CI: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

const script = `// The learning rate comes from the environment: one script, two runs.
const lr = Number(process.env.LR);
const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu' }), tf.layers.dense({ units: 1 })] });
model.compile({ optimizer: tf.train.adam(lr), loss: 'meanSquaredError' });
const xs = tf.randomNormal([64, 4]);
const ys = xs.sum(1, true);
await model.fit(xs, ys, { epochs: 4, batchSize: 16, validationSplit: 0.25 });
`;

describe('lossbook runs (built CLI)', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'lossbook-runs-e2e-'));
    await writeFile(join(folder, 'train.ts'), script);
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('records two runs of one script, lists them with learningRate, and compares them', async () => {
    for (const lr of ['0.1', '0.001']) {
      const run = await lossbook(['run', 'train.ts', '--runs-db', 'x.db'], folder, { LR: lr, LOSSBOOK_SEED: '3' });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain(`recorded 1 run(s) in ${join(folder, 'x.db')}`);
    }
    expect((await readFile(join(folder, 'x.db'))).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');

    const list = await lossbook(['runs', 'list', '--json', '--runs-db', 'x.db'], folder);
    expect(list.code, list.stderr).toBe(0);
    const { runs } = JSON.parse(list.stdout) as { runs: Array<{ number: number; params: Record<string, unknown>; metrics: Record<string, { last: number }>; notebook: string }> };
    expect(runs.map((run) => run.params.learningRate)).toEqual([0.001, 0.1]);
    expect(runs[0]).toMatchObject({ notebook: join(folder, 'train.ts'), params: { optimizer: 'Adam', batchSize: 16, epochs: 4, validationSplit: 0.25, seed: 3 } });
    expect(runs[0]!.metrics.loss!.last).toBeGreaterThan(0);

    const filtered = await lossbook(['runs', 'list', '--json', '--filter', 'learningRate>0.01', '--runs-db', 'x.db'], folder);
    expect((JSON.parse(filtered.stdout) as { runs: unknown[] }).runs).toHaveLength(1);

    const compare = await lossbook(['runs', 'compare', '1', '2', '--runs-db', 'x.db'], folder);
    expect(compare.code, compare.stderr).toBe(0);
    expect(compare.stdout).toContain('params.learningRate: 0.1 → 0.001');
    expect(compare.stdout).toMatch(/loss: \d+ matched step\(s\); at step \d+: [\d.]+ → [\d.]+ \(Δ [+-]/);
    expect(compare.stdout).toContain('Code of the cell: the same');
    // An Adam rate of 0.1 is out of the usual range; 0.001 is not: the finding went away.
    expect(compare.stdout).toMatch(/- warning opt\.lr-out-of-range/);

    const json = JSON.parse((await lossbook(['runs', 'compare', '1', '2', '--json', '--runs-db', 'x.db'], folder)).stdout) as { config: Array<{ key: string }>; findings: { removed: Array<{ id: string }> } };
    expect(json.config.map((difference) => difference.key)).toContain('params.learningRate');
    expect(json.findings.removed.map((finding) => finding.id)).toContain('opt.lr-out-of-range');
  });

  it('exports CSV raw and smoothed, tags, notes and deletes explicitly', async () => {
    const csv = await lossbook(['runs', 'export', '--csv', '--metric', 'loss', '--runs-db', 'x.db'], folder);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('run,number,series,step,value,smoothed');
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.slice(1).every((line) => line.split(',')[2] === 'loss')).toBe(true);

    expect((await lossbook(['runs', 'tag', '1', 'too-high', '--runs-db', 'x.db'], folder)).stdout).toMatch(/: too-high/);
    expect((await lossbook(['runs', 'note', '1', 'diverges early', '--runs-db', 'x.db'], folder)).code).toBe(0);
    const show = await lossbook(['runs', 'show', '1', '--runs-db', 'x.db'], folder);
    expect(show.stdout).toMatch(/tags\s+too-high/);
    expect(show.stdout).toMatch(/note\s+diverges early/);

    const refused = await lossbook(['runs', 'delete', '--notebook', 'train.ts', '--runs-db', 'x.db'], folder);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('would delete 2 run(s)');
    const deleted = await lossbook(['runs', 'delete', '1', '--runs-db', 'x.db'], folder);
    expect(deleted.stderr).toContain('deleted 1 run(s)');
    expect((JSON.parse((await lossbook(['runs', 'list', '--json', '--runs-db', 'x.db'], folder)).stdout) as { runs: unknown[] }).runs).toHaveLength(1);
  });

  it('refuses a file that is not a run store and leaves it as it was', async () => {
    await writeFile(join(folder, 'notes.db'), 'not a database');
    const result = await lossbook(['runs', 'list', '--runs-db', 'notes.db'], folder);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not a Lossbook run store .*left untouched/);
    expect(await readFile(join(folder, 'notes.db'), 'utf8')).toBe('not a database');
  });
});
