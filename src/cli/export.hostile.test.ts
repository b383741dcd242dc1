// Issue 17 through `lossbook export`: each hostile file is refused with a reason (exit 2) or
// exported (exit 0) in under 5 s, never a crash, and the input file is never modified.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deepArtifact, deepBlockquote, fixtureText, hugeStartedAt, memoryBomb, runsBomb } from '../host/hostile-notebooks.testing';
import { exportCommand, type CommandIo } from './commands';
import { EXIT } from './exit-codes';
import { textSink } from './text-sink';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'lossbook-hostile-export-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function exportHostile(name: string, text: string): Promise<{ code: number; stderr: string; html: string | undefined; ms: number }> {
  const input = join(folder, `${name}.lossbook`);
  const output = join(folder, `${name}.html`);
  await writeFile(input, text);
  const digest = createHash('sha256').update(text).digest('hex');
  const stderr = textSink();
  const io: CommandIo = { stdout: textSink(), stderr, env: { CI: '1' } };
  const started = performance.now();
  const code = await exportCommand(input, { html: output }, io);
  const ms = performance.now() - started;
  expect(createHash('sha256').update(await readFile(input)).digest('hex')).toBe(digest);
  const html = code === EXIT.ok ? await readFile(output, 'utf8') : undefined;
  return { code, stderr: stderr.text, html, ms };
}

describe('lossbook export of hostile notebooks (issue 17)', () => {
  it('refuses the 7 KB memory bomb (epochs range of 2^32 - 1) in under 5 s, saying why', async () => {
    const result = await exportHostile('bomb', memoryBomb());
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(/epochs for \d+ values/);
    expect(result.ms).toBeLessThan(5_000);
  });

  it('refuses a runs-encoded bomb and 10,000 nested arrays with a reason, not a stack overflow', async () => {
    for (const [name, text, reason] of [
      ['runs-bomb', runsBomb(), /steps but \d+ values/],
      ['deep', deepArtifact(10_000), /nests arrays or objects more than 256 levels deep/],
    ] as const) {
      const result = await exportHostile(name, text);
      expect(result.code).toBe(EXIT.usage);
      expect(result.stderr).toMatch(reason);
      expect(result.stderr).not.toMatch(/call stack/);
      expect(result.ms).toBeLessThan(5_000);
    }
  });

  it('exports schema-valid content that used to break it: startedAt 1e308 and 2,500 nested block quotes', async () => {
    const started = await exportHostile('started-at', hugeStartedAt());
    expect(started.code).toBe(EXIT.ok);
    expect(started.html).toContain('1e+308 ms (not a valid date)');

    const quotes = await exportHostile('quotes', deepBlockquote(2_500));
    expect(quotes.code).toBe(EXIT.ok);
    expect(quotes.html).toContain('quoted');
    expect(quotes.ms).toBeLessThan(5_000);
    // Far deeper still renders (clamped), every time: the overflow depended on the stack left.
    const deeper = await exportHostile('quotes-deeper', deepBlockquote(50_000));
    expect(deeper.code).toBe(EXIT.ok);
    expect(deeper.html).toContain('quoted');
  });

  it('still exports the real notebook the hostile ones were made from', async () => {
    const result = await exportHostile('fixture', fixtureText());
    expect(result.code).toBe(EXIT.ok);
    expect(result.html).toContain('Content-Security-Policy');
  });
});
