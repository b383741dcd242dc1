// The executor in-process on tfjs's CPU backend: namespace, TypeScript, imports, errors, display.
// (Cells' console output and unhandled rejections are tested through a real kernel process in
// src/host/kernel-supervisor.test.ts, where stdout is the kernel’s own.)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKernel, type TestKernel } from './kernel.testing';
import { nodeSpecifier } from './executor';

let kernel: TestKernel;
let notebookFolder: string;

beforeAll(async () => {
  kernel = await startTestKernel('cpu');
  notebookFolder = mkdtempSync(join(tmpdir(), 'lossbook-notebook-'));
  const packageFolder = join(notebookFolder, 'node_modules', 'greeting-package');
  mkdirSync(packageFolder, { recursive: true });
  writeFileSync(join(packageFolder, 'package.json'), JSON.stringify({ name: 'greeting-package', version: '1.0.0', main: 'index.js' }));
  writeFileSync(join(packageFolder, 'index.js'), "exports.greet = (name) => 'hello ' + name; exports.answer = 42;");
});

afterAll(() => {
  kernel.dispose();
  rmSync(notebookFolder, { recursive: true, force: true });
});

describe('executor', () => {
  it('keeps top-level declarations across cells, functions and classes included', async () => {
    await kernel.run('const base: number = 40;\nfunction addTwo(x: number) { return x + 2; }\nclass Box { constructor(readonly v: number) {} }');
    const result = await kernel.run('new Box(addTwo(base)).v');
    expect(result.finished.status).toBe('ok');
    expect(result.display).toEqual({ kind: 'text', text: '42' });
  });

  it('lets a cell that declares `const` run again (the name is reassigned)', async () => {
    const first = await kernel.run('const again = 1; again');
    const second = await kernel.run('const again = 2; again');
    expect(first.display).toEqual({ kind: 'text', text: '1' });
    expect(second.finished.status).toBe('ok');
    expect(second.display).toEqual({ kind: 'text', text: '2' });
  });

  it('supports destructuring and top-level await', async () => {
    await kernel.run('const { left, pair: [one, two] } = await Promise.resolve({ left: "L", pair: [1, 2] });');
    expect((await kernel.run('`${left}${one + two}`')).display).toEqual({ kind: 'text', text: 'L3' });
  });

  it('resolves every tfjs package name to the kernel’s one tf instance', async () => {
    const result = await kernel.run(
      "import * as a from '@tensorflow/tfjs';\nimport * as b from '@tensorflow/tfjs-node';\nimport * as c from '@tensorflow/tfjs-node-gpu';\n[a === tf, b === tf, c === tf]",
    );
    expect(result.display).toEqual({ kind: 'json', json: [true, true, true] });
  });

  it('imports packages installed in the notebook’s folder (static, dynamic and require)', async () => {
    const result = await kernel.run(
      "import { greet } from 'greeting-package';\nconst dynamic = await import('greeting-package');\nconst required = require('greeting-package');\n[greet('cell'), dynamic.answer, required.answer]",
      { cwd: notebookFolder },
    );
    expect(result.error).toBeUndefined();
    expect(result.display).toEqual({ kind: 'json', json: ['hello cell', 42, 42] });
  });

  it('runs the imports of a Deno notebook: npm: specifiers with versions and subpaths (issue 21)', async () => {
    const result = await kernel.run(
      "import * as deno from 'npm:@tensorflow/tfjs@4.22.0';\nimport { greet } from 'npm:greeting-package@^1';\nconst dynamic = await import('npm:greeting-package');\n[deno === tf, greet('deno'), dynamic.answer]",
      { cwd: notebookFolder },
    );
    expect(result.error).toBeUndefined();
    expect(result.display).toEqual({ kind: 'json', json: [true, 'hello deno', 42] });
    expect(nodeSpecifier('npm:@scope/name@1.2.3/sub/path.js')).toBe('@scope/name/sub/path.js');
    expect(nodeSpecifier('npm:name/sub')).toBe('name/sub');
    const refused = await kernel.run("import { z } from 'jsr:@std/assert';");
    expect(refused.error?.message).toMatch(/jsr: and URL imports need Deno's loader/);
  });

  it('says how to install a package the notebook folder does not have', async () => {
    const result = await kernel.run("import missing from 'no-such-package-anywhere';", { cwd: notebookFolder });
    expect(result.finished.status).toBe('error');
    expect(result.error?.message).toMatch(/npm install no-such-package-anywhere/);
  });

  it('maps a runtime error’s stack to the cell’s own lines, through TypeScript', async () => {
    const result = await kernel.run('type Pair = [number, number];\nconst p: Pair = [1, 2];\nfunction fail(): never {\n  throw new RangeError("out of range");\n}\nfail();');
    expect(result.finished.status).toBe('error');
    expect(result.error).toMatchObject({ name: 'RangeError', message: 'out of range', line: 4, column: 9, phase: 'runtime' });
    expect(result.error?.stack).toContain('at fail (cell:4:9)');
    expect(result.error?.stack).toContain('cell:6:1');
  });

  it('keeps the cell line of an error thrown deep inside tfjs (more than 10 frames down)', async () => {
    // A broadcast error raised inside tfjs, under nested tidy scopes and a recursive helper: the
    // cell line that called tf.add sits more than 10 frames down, past V8's default stack depth.
    const result = await kernel.run(
      [
        'const left = tf.ones([2, 3]);',
        'const right = tf.ones([4, 5]);',
        'const nested = (depth: number): unknown => (depth === 0 ? tf.tidy(() => tf.tidy(() => tf.add(left, right))) : nested(depth - 1));',
        'nested(12);',
      ].join('\n'),
    );
    expect(result.finished.status).toBe('error');
    expect(result.error?.message).toMatch(/broadcast/i);
    expect(result.error?.line).toBe(3);
    expect(result.error?.stack).toContain('cell:4:');
  });

  it('maps frames of functions defined by earlier cells to those cells', async () => {
    const defining = await kernel.run('function explode() {\n  throw new Error("from an earlier cell");\n}');
    expect(defining.finished.status).toBe('ok');
    const result = await kernel.run('explode()');
    expect(result.error?.stack).toMatch(/at explode \(cell\[\d+\]:2:9\)/);
  });

  it('reports a syntax error with its line and phase, and the kernel keeps working', async () => {
    const result = await kernel.run('const fine = 1;\nconst broken = ;');
    expect(result.error).toMatchObject({ name: 'SyntaxError', line: 2, phase: 'syntax' });
    expect((await kernel.run('1 + 1')).display).toEqual({ kind: 'text', text: '2' });
  });

  it('turns process.exit() into an error and survives it', async () => {
    const result = await kernel.run('process.exit(3)');
    expect(result.finished.status).toBe('error');
    expect(result.error?.name).toBe('ProcessExitError');
    expect(result.error?.message).toMatch(/kept the kernel running/);
    expect((await kernel.run('"still here"')).display).toEqual({ kind: 'text', text: 'still here' });
  });

  it('displays a tensor with dtype, shape, tf’s print and a summary', async () => {
    const result = await kernel.run('tf.tensor2d([[1, 2], [3, 6]])');
    expect(result.display).toMatchObject({ kind: 'tensor', dtype: 'float32', shape: [2, 2], stats: { min: 1, max: 6, mean: 3 } });
    expect(result.display && 'text' in result.display ? result.display.text : '').toContain('[[1, 2]');
    expect(result.finished.memory.leaked).toEqual({ tensors: 0, bytes: 0 });
    // The displayed tensor was not assigned: the run scope freed it.
    expect(result.finished.memory.after.numTensors).toBe(result.finished.memory.before.numTensors);
  });

  it('displays a model with its summary and parameter count', async () => {
    const result = await kernel.run("tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], name: 'hidden' }), tf.layers.dense({ units: 1 })] })");
    expect(result.display).toMatchObject({ kind: 'model', params: 4 * 3 + 3 + 3 + 1 });
    expect(result.display && 'text' in result.display ? result.display.text : '').toContain('hidden (Dense)');
  });

  it('displays the History of a fit as metrics per epoch', async () => {
    const result = await kernel.run(`const hx = tf.ones([8, 2]);
const hy = tf.zeros([8, 1]);
const tiny = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
tiny.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
await tiny.fit(hx, hy, { epochs: 2, batchSize: 4, verbose: 0 })`);
    expect(result.display).toMatchObject({ kind: 'json', json: { epoch: [0, 1], history: { loss: [expect.any(Number), expect.any(Number)] } } });
  });

  it('keeps the tensors of a tf.data pipeline the namespace holds (sources live in closures)', async () => {
    const made = await kernel.run(`const pipeline = tf.data
  .zip({ xs: tf.data.array([tf.ones([2]), tf.ones([2])]), ys: tf.data.array([tf.zeros([1]), tf.zeros([1])]) })
  .map((pair) => pair)
  .batch(2);`);
    expect(made.finished.memory.kept.tensors).toBe(4);
    const used = await kernel.run('const batches = await pipeline.toArray();\nbatches[0].xs.shape');
    expect(used.error).toBeUndefined();
    expect(used.display).toEqual({ kind: 'json', json: [2, 2] });
  });

  it('explains a disposed tensor kept only by a closure', async () => {
    await kernel.run('const readHidden = (() => { const hidden = tf.ones([2]); return () => hidden.sum().dataSync()[0]; })();');
    const result = await kernel.run('readHidden()');
    expect(result.finished.status).toBe('error');
    expect(result.error?.message).toMatch(/Tensor is disposed[\s\S]*top-level variable/);
  });

  it('bounds a run’s output and says how much was dropped', async () => {
    const result = await kernel.run("for (let i = 0; i < 30; i++) process.stdout.write('x'.repeat(100_000) + '\\n');\n'done'");
    expect(result.finished.status).toBe('ok');
    expect(result.stdout.length).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(result.stdout.length).toBeGreaterThan(2 * 1024 * 1024 - 200_000);
    expect(result.stderr).toMatch(/output truncated: .* more were not shown/);
    expect(result.display).toEqual({ kind: 'text', text: 'done' });
  });
});
