// The built `lossbook` binary (bin/lossbook.mjs → out/node/cli.mjs) as a user runs it: plain
// tfjs scripts written for Node run unchanged, a real SIGINT interrupts cleanly and still writes
// the JSON, `serve` prints the browser-mode URL and stops on SIGINT, usage errors exit 2.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/lossbook.mjs');

interface Running {
  output: () => string;
  waitFor(pattern: RegExp): Promise<string>;
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

function start(args: string[], cwd: string): Running {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const watchers: Array<{ pattern: RegExp; resolve: (match: string) => void }> = [];
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const watcher of [...watchers]) {
      const match = watcher.pattern.exec(text);
      if (match) {
        watchers.splice(watchers.indexOf(watcher), 1);
        watcher.resolve(match[0]);
      }
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    output: () => text,
    waitFor: (pattern) => {
      const match = pattern.exec(text);
      return match ? Promise.resolve(match[0]) : new Promise((resolve) => watchers.push({ pattern, resolve }));
    },
    exited,
    kill: (signal) => child.kill(signal),
  };
}

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'lossbook-cli-e2e-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('the lossbook binary', () => {
  it('runs plain tfjs Node scripts unchanged (CommonJS with .then, ES module with top-level await)', async () => {
    const body = `const xs = tf.randomNormal([32, 3], 0, 1, 'float32', 3);
const ys = xs.sum(1, true);
const model = tf.sequential();
model.add(tf.layers.dense({ units: 1, inputShape: [3] }));
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
`;
    await writeFile(join(folder, 'plain.js'), `const tf = require('@tensorflow/tfjs');\n${body}model.fit(xs, ys, { epochs: 3, batchSize: 8 }).then((h) => console.log('epochs', h.epoch.length));\n`);
    await writeFile(join(folder, 'plain.mjs'), `import * as tf from '@tensorflow/tfjs';\n${body}const h = await model.fit(xs, ys, { epochs: 3, batchSize: 8 });\nconsole.log('epochs', h.epoch.length);\n`);
    for (const script of ['plain.js', 'plain.mjs']) {
      const run = start(['run', script, '--backend', 'cpu', '--json', `${script}.json`], folder);
      expect(await run.exited).toBe(0);
      expect(run.output()).toContain('epochs 3');
      const result = JSON.parse(await readFile(join(folder, `${script}.json`), 'utf8'));
      expect(result.runs).toHaveLength(1);
      expect(result.runs[0].metrics.loss).toHaveLength(12); // 32 samples / batch 8 × 3 epochs
    }
  });

  it('a real SIGINT stops training cleanly and still writes the JSON (exit 130)', async () => {
    await writeFile(
      join(folder, 'long.ts'),
      `import * as tf from '@tensorflow/tfjs';\nconst xs = tf.randomNormal([32, 3]);\nconst ys = xs.sum(1, true);\nconst model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3] })] });\nmodel.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });\nawait model.fit(xs, ys, { epochs: 100000, batchSize: 4, verbose: 0 });\n`,
    );
    const run = start(['run', 'long.ts', '--backend', 'cpu', '--json', 'long.json'], folder);
    await run.waitFor(/epoch 3\//);
    run.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.output()).toContain('interrupting at the next batch');
    const result = JSON.parse(await readFile(join(folder, 'long.json'), 'utf8'));
    expect(result.runs[0].metrics.loss.length).toBeGreaterThan(16);
    expect(result.runs[0].memory.tensorsAfter).toBeLessThan(20);
  });

  it('serve prints the browser-mode URL, serves the page, and stops on SIGINT', async () => {
    const serve = start(['serve', '--backend', 'cpu'], folder);
    const url = await serve.waitFor(/http:\/\/127\.0\.0\.1:\d+\/\S+/);
    expect(serve.output()).toMatch(/^lossbook: browser mode at http:\/\/127\.0\.0\.1:\d+\/\?token=\S+$/m);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app"');
    expect((await fetch(url.replace(/token=[^&]+/, 'token=wrong'))).status).toBe(403);
    serve.kill('SIGINT');
    expect(await serve.exited).toBe(0);
  });

  it('exits 2 on usage errors, with the reason', async () => {
    const unknownOption = start(['run', 'long.ts', '--fail-on', 'fatal'], folder);
    expect(await unknownOption.exited).toBe(2);
    expect(unknownOption.output()).toMatch(/fail-on/);
    const missing = start(['export', 'nothing.lossbook'], folder);
    expect(await missing.exited).toBe(2);
    expect(missing.output()).toMatch(/does not exist/);
    const version = start(['--version'], folder);
    expect(await version.exited).toBe(0);
  });
});
