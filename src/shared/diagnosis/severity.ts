// The order of severities, once: the engine keeps the worst evidence by it, the verdict ranks
// by it, and the app, the report, `--json`, progress and `--fail-on` sort, count and gate by it.
import type { Severity } from '../protocol';

/** Every severity, most severe first (the order lists and counts are shown in). */
export const SEVERITIES = ['error', 'warning', 'info'] as const satisfies readonly Severity[];

/** error 2, warning 1, info 0: sort by `severityRank(b) - severityRank(a)` for the most severe first. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.length - 1 - SEVERITIES.indexOf(severity);
}

/** Whether `severity` is `threshold` or worse. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) >= severityRank(threshold);
}
