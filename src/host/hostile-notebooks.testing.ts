// Test helpers (issue 17): real saved notebooks (fixtures/, written by `lossbook run --save`) and
// the hostile variants of them that the issue found crashing export and the server.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURE_NAMES = ['healthy-binary.lossbook', 'exploding-loss.lossbook'] as const;

export function fixturePath(name: (typeof FIXTURE_NAMES)[number]): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

export function fixtureText(name: (typeof FIXTURE_NAMES)[number] = 'healthy-binary.lossbook'): string {
  return readFileSync(fixturePath(name), 'utf8');
}

type Json = Record<string, unknown>;

/** The first run that has metric series (a training cell). */
function firstRun(document: Json): Json {
  for (const cell of document.cells as Json[]) {
    for (const run of cell.runs as Json[]) if ((run.series as Json[]).length > 0) return run;
  }
  throw new Error('the fixture has no run with metric series');
}

function edit(text: string, change: (document: Json) => void): string {
  const document = JSON.parse(text) as Json;
  change(document);
  return JSON.stringify(document);
}

/** A series' epochs claim 4,294,967,295 points for a few bytes (the 7 KB memory bomb). */
export function memoryBomb(text = fixtureText()): string {
  return edit(text, (document) => {
    const series = (firstRun(document).series as Json[])[0]!;
    series.epochs = { encoding: 'range', length: 4294967295, start: 0, stride: 0 };
  });
}

/** The same through `runs`: one (value, count) pair whose count is 2^32 - 1. */
export function runsBomb(text = fixtureText()): string {
  return edit(text, (document) => {
    const series = (firstRun(document).series as Json[])[0]!;
    const pair = new Float64Array([0, 4294967295]);
    series.steps = { encoding: 'runs', length: 4294967295, data: Buffer.from(pair.buffer).toString('base64') };
  });
}

/** A run artifact whose data is `depth` nested arrays. */
export function deepArtifact(depth = 10_000, text = fixtureText()): string {
  const document = JSON.parse(text) as Json;
  (firstRun(document).artifacts as Json[]).push({ kind: 'deep', data: '@DEEP@' });
  return JSON.stringify(document).replace('"@DEEP@"', '['.repeat(depth) + ']'.repeat(depth));
}

/** Schema-valid: a run started at 1e308 ms (new Date(1e308) is an invalid date). */
export function hugeStartedAt(text = fixtureText()): string {
  return edit(text, (document) => {
    firstRun(document).startedAt = 1e308;
  });
}

/** Schema-valid: a markdown cell of `depth` nested block quotes. */
export function deepBlockquote(depth = 2_500, text = fixtureText()): string {
  return edit(text, (document) => {
    (document.cells as Json[]).unshift({ id: 'deep-quote', kind: 'markdown', source: `${'>'.repeat(depth)} quoted`, outputs: [], runs: [], dismissed: [] });
  });
}
