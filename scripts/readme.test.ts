// The README's example and benchmark tables come from generated data (examples/RESULTS.md,
// bench/results/*.json); this fails when someone edits them by hand or forgets to sync.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LAYER_FAMILIES } from '../src/kernel/layer-matrix';
// @ts-expect-error — plain ESM script without types
import { syncedReadme } from './sync-readme.mjs';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('starts with the two quick-start commands .ci/run executes', () => {
    const block = /```sh\n([\s\S]*?)```/.exec(readme)![1]!.trim().split('\n');
    expect(block).toEqual(['npm ci && npm start', 'npm test']);
  });

  it('shows the layer-family matrix of every family the matrix test trains (regenerated when one is added)', () => {
    const block = /<!-- layer-matrix:start -->\n([\s\S]*?)<!-- layer-matrix:end -->/.exec(readme)![1]!;
    const families = block.split('\n').filter((line) => /^\| [a-z0-9-]+ \|/.test(line) && !line.startsWith('| family')).map((line) => line.split('|')[1]!.trim());
    expect(families).toEqual(LAYER_FAMILIES.map((family) => family.id));
  });

  it('shows the generated examples and benchmark tables, unedited', () => {
    expect(readme).toBe((syncedReadme as (text: string) => string)(readme));
  });
});
