// The verdict's folding rules on hand-built findings (each diagnosis itself is tested by training
// a real model with the bug: examples/gallery.test.ts checks every example's verdict).
import { describe, expect, it } from 'vitest';
import type { Finding } from '../protocol';
import { ruleById } from './index';
import { diagnose } from './verdict';

function finding(id: string, extra: Partial<Finding> & { values?: Finding['evidence']['values'] } = {}): Finding {
  const rule = ruleById(id)!;
  const { values = {}, ...rest } = extra;
  return {
    id,
    key: extra.layer ? `${id}:${extra.layer}` : id,
    family: rule.family,
    severity: rule.severity,
    title: rule.title,
    evidence: { summary: `${id} evidence`, values },
    explanation: '',
    fix: { text: '' },
    source: '',
    count: 1,
    ...rest,
  };
}

describe('diagnose', () => {
  it('Adam at lr 1: the learning rate is the verdict and the clipped loss folds under it', () => {
    const d = diagnose([
      finding('loss.saturated', { step: 20, firstStep: 4 }),
      finding('data.constant-feature'),
      finding('opt.lr-out-of-range', { values: { learningRate: 1, max: 0.01, optimizer: 'Adam' } }),
    ]);
    expect(d.verdict).toMatchObject({ id: 'opt.lr-out-of-range', role: 'cause', severity: 'error', explains: ['loss.saturated'] });
    expect(d.explainedBy.get('loss.saturated')).toBe('opt.lr-out-of-range');
  });

  it('folds a per-layer symptom only under a cause on the same layer', () => {
    const d = diagnose([
      finding('model.bad-init', { layer: 'dense1', values: { initializer: 'Zeros' } }),
      finding('act.dead-relu', { layer: 'dense1', step: 30, firstStep: 0 }),
      finding('act.dead-relu', { layer: 'dense7', step: 30, firstStep: 0 }),
    ]);
    expect(d.explainedBy.get('act.dead-relu:dense1')).toBe('model.bad-init');
    expect(d.explainedBy.has('act.dead-relu:dense7')).toBe(false);
  });

  it('does not fold a symptom that came well before the finding that would explain it', () => {
    const d = diagnose([finding('loss.exploding', { step: 40, firstStep: 40 }), finding('loss.nan', { step: 3, firstStep: 3 })]);
    expect(d.explainedBy.get('loss.nan')).toBeUndefined();
    expect(d.explainedBy.get('loss.exploding')).toBe('loss.nan');
  });

  it('a learning rate too LOW does not explain an explosion', () => {
    const d = diagnose([finding('opt.lr-out-of-range', { values: { learningRate: 1e-7, min: 1e-5 } }), finding('loss.exploding', { step: 9 })]);
    expect(d.explainedBy.has('loss.exploding')).toBe(false);
    expect(d.verdict?.id).toBe('loss.exploding');
  });

  it('without a cause the leading symptom stands alone with the next check to run', () => {
    const d = diagnose([finding('loss.plateau'), finding('trend.stuck')]);
    expect(d.verdict).toMatchObject({ id: 'loss.plateau', role: 'symptom', explains: ['trend.stuck'] });
    expect(d.verdict?.nextCheck?.code).toMatch(/lossbook\.checks\.lrRangeTest/);
  });

  it('weak evidence alone is a note, and two weak hints do not confirm each other', () => {
    const lr = finding('opt.lr-out-of-range', { values: { learningRate: 0.05, max: 0.01 } });
    const ratio = finding('update.ratio', { step: 9, values: { max: 0.1, ratios: [0.12] } });
    const d = diagnose([lr, ratio]);
    expect(d.verdict).toBeNull();
    expect(d.severity.get(lr.key)).toBe('info');
    expect(d.severity.get(ratio.key)).toBe('info');
    // A symptom that stands on its own confirms it.
    const confirmed = diagnose([lr, ratio, finding('loss.exploding', { step: 12 })]);
    expect(confirmed.verdict).toMatchObject({ id: 'opt.lr-out-of-range', severity: 'error' });
  });
});
