import { describe, expect, it } from 'vitest';
import { parsePercentScript, toPercentScript } from './percent';

describe('percent scripts', () => {
  it('splits markdown and code cells and reads the header', () => {
    const script = parsePercentScript(
      ['// @title: NaN from a huge LR', '// @expect: loss.nan, grad.exploding', '', '// %% [markdown]', '// # Heading', '// text', '// %%', 'const a = 1;', '', '// %%', 'a + 1'].join('\n'),
    );
    expect(script.title).toBe('NaN from a huge LR');
    expect(script.expected).toEqual(['loss.nan', 'grad.exploding']);
    expect(script.cells.map((c) => [c.kind, c.source])).toEqual([
      ['markdown', '# Heading\ntext'],
      ['code', 'const a = 1;'],
      ['code', 'a + 1'],
    ]);
  });

  it('treats a plain script as one code cell', () => {
    const script = parsePercentScript('import * as tf from "@tensorflow/tfjs";\nconsole.log(tf.version);\n', 'javascript');
    expect(script.cells).toHaveLength(1);
    expect(script.cells[0]!.language).toBe('javascript');
    expect(script.expected).toEqual([]);
  });

  it('round-trips through toPercentScript', () => {
    const first = parsePercentScript('// %% [markdown]\n// # T\n// %%\nconst x = 2;\n');
    const again = parsePercentScript(toPercentScript(first.cells));
    expect(again.cells.map((c) => [c.kind, c.source])).toEqual(first.cells.map((c) => [c.kind, c.source]));
  });
});
