// Catalog search by symptom: the words users type find the rules that explain what they see.
import { describe, expect, it } from 'vitest';
import { allRules } from './index';
import { searchCatalog, searchTerms } from './search';

const top = (query: string, count = 5) => searchCatalog(query, allRules).slice(0, count).map((hit) => hit.rule.id);

describe('catalog search by symptom', () => {
  it('finds the rules behind "loss not decreasing", in other words too, and with a typo', () => {
    expect(top('loss not decreasing', 3)).toContain('loss.plateau');
    expect(top('loss not decreasing', 8)).toEqual(expect.arrayContaining(['loss.plateau', 'trend.stuck', 'loss.at-chance', 'opt.lr-out-of-range']));
    expect(top("my loss doesn't go down")).toContain('loss.plateau');
    expect(top('loss not decresing')).toContain('loss.plateau');
  });

  it('finds chance-level accuracy, NaN, overfitting, an OOM and a shape error', () => {
    expect(top('accuracy stuck at 10%')).toContain('loss.at-chance');
    expect(top('NaN')).toEqual(expect.arrayContaining(['loss.nan', 'data.nan-inf']));
    expect(top('loss becomes nan after a few steps')).toContain('loss.nan');
    expect(top('validation loss increasing')).toContain('trend.overfitting');
    expect(top('out of memory')).toContain('mem.oom');
    expect(top("Kernel 'Conv2DBackpropFilter' not registered")).toContain('run.failed');
    expect(top('model.bad-init')).toEqual(['model.bad-init']);
  });

  it('finds a regression that predicts one value for every input (tfjs#2770, #3913)', () => {
    expect(top('same output for every input', 3)).toContain('output.constant');
    expect(top('model predicts the same value for all inputs', 3)).toContain('output.constant');
  });

  it('an empty or unrelated query finds nothing', () => {
    expect(searchCatalog('   ', allRules)).toEqual([]);
    expect(searchCatalog('banana smoothie recipe', allRules)).toEqual([]);
  });

  it('reduces inflections and drops filler words', () => {
    expect(searchTerms("The loss isn't decreasing")).toEqual(['loss', 'not', 'decreas']);
  });
});

describe('rule sources', () => {
  it('are written in English (seed citations translated)', () => {
    for (const rule of allRules) expect(rule.source, rule.id).not.toMatch(/[\u4e00-\u9fff]/);
  });
});
