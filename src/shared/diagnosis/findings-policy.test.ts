import { describe, expect, it } from 'vitest';
import type { Finding } from '../protocol';
import { activeFindings, dismissedFindings, failingFindings, FAIL_ON_SEVERITIES, isDismissed } from './findings-policy';
import { atLeast, SEVERITIES, severityRank } from './severity';

function finding(key: string, severity: Finding['severity']): Finding {
  const id = key.split(':')[0]!;
  return { id, key, family: 'dynamic', severity, title: id, evidence: { summary: id, values: {} }, explanation: '', fix: { text: '' }, source: '', count: 1 };
}

describe('severity order', () => {
  it('ranks error over warning over info, and lists them most severe first', () => {
    expect(SEVERITIES).toEqual(['error', 'warning', 'info']);
    expect([severityRank('error'), severityRank('warning'), severityRank('info')]).toEqual([2, 1, 0]);
    expect(atLeast('error', 'warning')).toBe(true);
    expect(atLeast('warning', 'warning')).toBe(true);
    expect(atLeast('info', 'warning')).toBe(false);
    expect(FAIL_ON_SEVERITIES).toEqual(['error', 'warning']);
  });
});

describe('dismissal', () => {
  it('matches a key exactly, or with the layer counter tfjs renumbers on a re-run or in a fresh kernel', () => {
    // Dismissed in the app after a few runs (dense_Dense4); `lossbook run` starts a fresh kernel (dense_Dense1).
    expect(isDismissed(['model.double-softmax:dense_Dense4'], { key: 'model.double-softmax:dense_Dense1' })).toBe(true);
    expect(isDismissed(new Set(['loss.nan']), { key: 'loss.nan' })).toBe(true);
    expect(isDismissed(['model.double-softmax:dense_Dense4'], { key: 'model.no-bias:dense_Dense4' })).toBe(false);
    expect(isDismissed(['model.double-softmax:dense_Dense4'], { key: 'model.double-softmax:conv2d_Conv2D1' })).toBe(false);
    expect(isDismissed([], { key: 'loss.nan' })).toBe(false);
  });

  it('splits findings into active and dismissed, in order, and gates --fail-on on the active ones only', () => {
    const findings = [finding('loss.nan', 'error'), finding('act.dead-relu:dense_Dense3', 'warning'), finding('perf.backend-fallback', 'info')];
    const dismissed = ['act.dead-relu:dense_Dense7'];
    expect(activeFindings(findings, dismissed).map((f) => f.key)).toEqual(['loss.nan', 'perf.backend-fallback']);
    expect(dismissedFindings(findings, dismissed).map((f) => f.key)).toEqual(['act.dead-relu:dense_Dense3']);
    expect(failingFindings(findings, dismissed, 'warning').map((f) => f.key)).toEqual(['loss.nan']);
    expect(failingFindings(findings, [], 'warning').map((f) => f.key)).toEqual(['loss.nan', 'act.dead-relu:dense_Dense3']);
    expect(failingFindings(findings, ['loss.nan'], 'error')).toEqual([]);
  });
});
