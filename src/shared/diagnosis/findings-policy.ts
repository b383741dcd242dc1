// Which findings count, once for every consumer: the app's panel, chart markers and outline,
// the HTML report, `lossbook run --json`, the CLI's progress lines and its `--fail-on` gate. A
// finding the user dismissed in the app must be dismissed in all of them — before this module
// the app matched keys loosely and the CLI exactly, so a dismissal could still fail a build.
import type { Finding, Severity } from '../protocol';
import { atLeast } from './severity';
import { diagnose } from './verdict';

/** The thresholds `--fail-on` takes; a note (info) never fails a build. */
export const FAIL_ON_SEVERITIES = ['error', 'warning'] as const satisfies readonly Severity[];
export type FailOnSeverity = (typeof FAIL_ON_SEVERITIES)[number];

/**
 * A finding key without its layer's trailing counter. Keys are `rule id` or `rule id:layer`,
 * and tfjs numbers auto-named layers with a counter global to the process: the model a re-run
 * builds in the app gets `dense_Dense4` where the dismissed finding named `dense_Dense2`, and
 * `lossbook run` starts a fresh kernel where it is `dense_Dense1` again. Exact keys would let a
 * dismissal made in the app lapse on the next run and never reach the CLI. The price: two
 * layers of one class flagged by one rule are dismissed together. No rule id ends in a digit.
 */
function stableKey(key: string): string {
  return key.replace(/\d+$/, '');
}

/** Whether the user dismissed this finding in its cell (`cell.dismissed` holds finding keys). */
export function isDismissed(dismissed: Iterable<string>, finding: { key: string }): boolean {
  const wanted = stableKey(finding.key);
  for (const key of dismissed) if (key === finding.key || stableKey(key) === wanted) return true;
  return false;
}

/** The findings that count: those not dismissed, in their order. */
export function activeFindings<T extends { key: string }>(findings: readonly T[], dismissed: Iterable<string>): T[] {
  return findings.filter((finding) => !isDismissed(dismissed, finding));
}

/** The findings the user dismissed, in their order (the report shows them struck through). */
export function dismissedFindings<T extends { key: string }>(findings: readonly T[], dismissed: Iterable<string>): T[] {
  return findings.filter((finding) => isDismissed(dismissed, finding));
}

/**
 * The active findings of one run at or above `threshold` (the `--fail-on` gate). Severity is
 * the one the verdict weighed — a weak cause nothing confirmed is a note — as `--json` prints it.
 */
export function failingFindings(findings: readonly Finding[], dismissed: Iterable<string>, threshold: FailOnSeverity): Finding[] {
  const active = activeFindings(findings, dismissed);
  const { severity } = diagnose(active);
  return active.filter((finding) => atLeast(severity.get(finding.key) ?? finding.severity, threshold));
}
