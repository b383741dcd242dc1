// The rule engine: runs rules over a DiagnosisContext, isolates a rule that throws (it becomes an
// `internal` finding and the run goes on), and merges findings in place by key so a condition
// confirmed on every step bumps a count instead of flooding the list (issue 5: "no flood").
import type { Finding } from '../protocol';
import { bindFixCode, unboundNote } from './fix-binding';
import { severityRank } from './severity';
import type { DiagnosisContext, Rule, RuleHit } from './types';

const PHASES_BY_FAMILY: Record<Rule['family'], ReadonlyArray<DiagnosisContext['phase']>> = {
  static: ['fit-start'],
  data: ['fit-start'],
  dynamic: ['step', 'epoch', 'finish'],
  trend: ['epoch', 'finish'],
  resources: ['fit-start', 'step', 'epoch', 'finish'],
  internal: [],
};

export class DiagnosisEngine {
  private readonly byKey = new Map<string, Finding>();
  /** Keys changed since the last `takeChanged` (what the monitor emits next). */
  private readonly changed = new Set<string>();
  private readonly failedRules = new Set<string>();

  constructor(private readonly rules: readonly Rule[]) {}

  /**
   * Run the rules that can use this phase (only those of the given families or ids, when `only` is
   * given); returns the findings added or updated.
   */
  run(context: DiagnosisContext, only?: ReadonlyArray<Rule['family'] | (string & {})>): Finding[] {
    const touched: Finding[] = [];
    for (const rule of this.rules) {
      if (only && !only.includes(rule.family) && !only.includes(rule.id)) continue;
      if (!PHASES_BY_FAMILY[rule.family].includes(context.phase)) continue;
      let hits: RuleHit[];
      try {
        hits = rule.check(context);
      } catch (error) {
        touched.push(this.reportInternal(rule, error, context));
        continue;
      }
      for (const hit of hits) touched.push(this.merge(rule, hit, context));
      if (rule.transient && context.phase === 'finish' && !hits.length) touched.push(...this.resolve(rule));
    }
    return touched;
  }

  /** A transient trend that no longer holds at the end of the run: a note, marked resolved (issue 22). */
  private resolve(rule: Rule): Finding[] {
    const resolved: Finding[] = [];
    for (const [key, finding] of this.byKey) {
      if (finding.id !== rule.id || finding.evidence.values.resolved === true) continue;
      const note: Finding = { ...finding, severity: 'info', evidence: { summary: `${finding.evidence.summary}; no longer the case when the run ended`, values: { ...finding.evidence.values, resolved: true } } };
      this.byKey.set(key, note);
      this.changed.add(key);
      resolved.push(note);
    }
    return resolved;
  }

  /** Every finding so far, in the order first seen. */
  findings(): Finding[] {
    return [...this.byKey.values()];
  }

  /** Findings added or updated since the last call (each once). */
  takeChanged(): Finding[] {
    const out: Finding[] = [];
    for (const key of this.changed) {
      const finding = this.byKey.get(key);
      if (finding) out.push(finding);
    }
    this.changed.clear();
    return out;
  }

  private merge(rule: Rule, hit: RuleHit, context: DiagnosisContext): Finding {
    const key = hit.layer ? `${rule.id}:${hit.layer}` : rule.id;
    const existing = this.byKey.get(key);
    // Fix code names the user's own variables, or is left out with the reason (never a placeholder).
    const fix = bindFixCode(hit.fixCode ?? rule.fix.code, context.bindings);
    const fixText = hit.fixText ?? rule.fix.text;
    const check = rule.nextCheck ? bindFixCode(rule.nextCheck.code, context.bindings) : undefined;
    const finding: Finding = {
      id: rule.id,
      key,
      family: rule.family,
      severity: hit.severity ?? rule.severity,
      title: rule.title,
      evidence: { summary: hit.summary, values: hit.values },
      explanation: hit.detail ? `${rule.explanation} ${hit.detail}` : rule.explanation,
      fix: { text: fix.missing.length ? `${fixText} ${unboundNote(fix.missing)}` : fixText, ...(fix.code ? { code: fix.code } : {}) },
      ...(rule.nextCheck ? { check: { text: check!.missing.length ? `${rule.nextCheck.text} ${unboundNote(check!.missing)}` : rule.nextCheck.text, ...(check!.code ? { code: check!.code } : {}) } } : {}),
      source: rule.source,
      count: (existing?.count ?? 0) + 1,
      ...(hit.step !== undefined ? { step: hit.step } : {}),
      ...(hit.epoch !== undefined ? { epoch: hit.epoch } : {}),
      ...(hit.layer !== undefined ? { layer: hit.layer } : {}),
    };
    const firstStep = existing?.firstStep ?? existing?.step ?? hit.step;
    if (firstStep !== undefined) finding.firstStep = firstStep;
    // A finding never becomes less severe while the run goes on: the worst evidence stays visible.
    if (existing && severityRank(existing.severity) > severityRank(finding.severity)) finding.severity = existing.severity;
    this.byKey.set(key, finding);
    this.changed.add(key);
    return finding;
  }

  private reportInternal(rule: Rule, error: unknown, context: DiagnosisContext): Finding {
    const key = `internal:${rule.id}`;
    const message = error instanceof Error ? error.message : String(error);
    const existing = this.byKey.get(key);
    const finding: Finding = {
      id: 'internal.rule-failed',
      key,
      family: 'internal',
      severity: 'info',
      title: `Diagnosis rule ${rule.id} failed`,
      evidence: { summary: `${rule.id} threw: ${message}`, values: { rule: rule.id, message, phase: context.phase } },
      explanation:
        'A diagnosis rule raised an error on this run. Training was not affected; the rule is skipped on this pass. This is a bug in Lossbook, not in your model.',
      fix: { text: 'Nothing to change in your code. Please report it with the notebook if it repeats.' },
      source: 'Lossbook',
      count: (existing?.count ?? 0) + 1,
      step: context.step,
    };
    this.failedRules.add(rule.id);
    this.byKey.set(key, finding);
    this.changed.add(key);
    return finding;
  }
}

// Kept here for the modules that import it from the engine; the order itself lives in ./severity.
export { severityRank };
