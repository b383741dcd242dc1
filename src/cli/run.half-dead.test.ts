// Issue 17: `lossbook run` on a notebook whose cell half-exits the kernel hung for 240 s and
// wrote nothing. Now the cell ends as killed, the run exits 1 and still writes its JSON.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KernelSupervisor } from '../host/kernel-supervisor';
import { runCommand, type CommandIo } from './commands';
import { EXIT } from './exit-codes';
import type { RunJson } from './run-json';
import { textSink } from './text-sink';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'lossbook-half-dead-run-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('lossbook run with a cell that half-exits the kernel (issue 17)', () => {
  it('ends the cell as killed with the reason, exits 1 and writes the JSON', async () => {
    const script = join(folder, 'exits.js');
    await writeFile(script, '// %%\nconst kept = 1;\nconsole.log("first cell");\n// %%\nprocess.reallyExit(3);\n// %%\nconsole.log("never runs");\n');
    const json = join(folder, 'exits.json');
    const stderr = textSink();
    const stdout = textSink();
    const io: CommandIo = { stdout, stderr, env: { CI: '1' } };
    const started = performance.now();
    const code = await runCommand(script, { json, backend: 'cpu' }, io, (options) => new KernelSupervisor(options));
    expect(performance.now() - started).toBeLessThan(60_000);
    expect(code).toBe(EXIT.cellFailed);
    expect(stdout.text).toContain('first cell');
    expect(stdout.text).not.toContain('never runs');
    expect(stderr.text).toMatch(/the kernel exited with code 3/);
    expect((JSON.parse(await readFile(json, 'utf8')) as RunJson).runs).toHaveLength(2);
  });
});
