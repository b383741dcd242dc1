// The verdict of a run (issue 22): which finding is the most likely root cause, and which findings
// are its consequences. Rules declare what they can explain (`Rule.explains`); a finding is folded
// under another only when the evidence fits — it came no earlier (within a few steps of sampling
// jitter), its layer is one the cause names, and the rule's own predicate agrees. Causes
// (configuration and data facts) are tried before symptoms, so "loss stuck at the clipping
// ceiling" folds under "Adam learning rate 1" instead of leading the list. Pure: the panel, the
// HTML report, the CLI summary and `--json` all call `diagnose` on the same findings.
import type { Finding, Severity } from '../protocol';
import { severityRank } from './engine';
import { allRules } from './rules';
import type { Explains, Rule } from './types';

export interface Verdict {
  id: string;
  key: string;
  title: string;
  /** The root finding's one-line evidence. */
  evidence: string;
  severity: Severity;
  /** cause: a configuration/data fact; symptom: no cause fired, this is the leading symptom. */
  role: 'cause' | 'symptom';
  /** Ids of the findings folded under it. */
  explains: string[];
  /** Symptom verdicts: the check that tells the possible causes apart. */
  nextCheck?: { text: string; code?: string };
}

export interface FindingGroup {
  finding: Finding;
  role: 'cause' | 'symptom';
  /** Severity after weighing the evidence (a weak cause nothing confirms is a note). */
  severity: Severity;
  /** Findings explained by this one (and other layers of the same finding), in order. */
  folded: Finding[];
  nextCheck?: { text: string; code?: string };
}

export interface Diagnosis {
  verdict: Verdict | null;
  /** Top-level findings, the verdict first, then by severity. */
  groups: FindingGroup[];
  /** Rule id of the top-level finding each folded finding sits under, by finding key. */
  explainedBy: ReadonlyMap<string, string>;
  /** Severity to show for every finding, by key (equal to the finding's own unless weighed down). */
  severity: ReadonlyMap<string, Severity>;
}

/** Sampling makes a symptom's first step jitter by a few steps around its cause's. */
const STEP_TOLERANCE = 5;

const rulesById = new Map<string, Rule>(allRules.map((rule) => [rule.id, rule]));

export function roleOf(finding: Finding): 'cause' | 'symptom' {
  const rule = rulesById.get(finding.id);
  if (rule?.role) return rule.role;
  return finding.family === 'static' || finding.family === 'data' || finding.family === 'resources' ? 'cause' : 'symptom';
}

function entries(rule: Rule | undefined): Explains[] {
  return (rule?.explains ?? []).map((entry) => (typeof entry === 'string' ? { id: entry } : entry));
}

function firstStepOf(finding: Finding): number | undefined {
  return finding.firstStep ?? finding.step;
}

/** Layers a finding names: its own and any listed in its evidence (model.sigmoid-deep lists them all). */
function layersOf(findings: readonly Finding[]): Set<string> {
  const layers = new Set<string>();
  for (const finding of findings) {
    if (finding.layer) layers.add(finding.layer);
    const listed = finding.evidence.values.layers;
    if (Array.isArray(listed)) for (const name of listed) if (typeof name === 'string') layers.add(name);
  }
  return layers;
}

/** Whether `cause` (one finding of its rule; `causeLayers` those of all its findings) explains `symptom`. */
export function canExplain(cause: Finding, symptom: Finding, causeLayers: ReadonlySet<string> = layersOf([cause])): boolean {
  if (cause.id === symptom.id) return false;
  const entry = entries(rulesById.get(cause.id)).find((candidate) => candidate.id === symptom.id);
  if (!entry) return false;
  const causeStep = firstStepOf(cause);
  const symptomStep = firstStepOf(symptom);
  if (causeStep !== undefined && symptomStep !== undefined && symptomStep + STEP_TOLERANCE < causeStep) return false;
  if (entry.sameLayer && symptom.layer && causeLayers.size > 0 && !causeLayers.has(symptom.layer)) return false;
  return entry.when ? entry.when(cause, symptom) : true;
}

function isWeak(finding: Finding): boolean {
  return rulesById.get(finding.id)?.needsSymptom?.(finding) ?? false;
}

export function diagnose(findings: readonly Finding[]): Diagnosis {
  const order = new Map(findings.map((finding, index) => [finding.key, index]));
  const byId = new Map<string, Finding[]>();
  for (const finding of findings) byId.set(finding.id, [...(byId.get(finding.id) ?? []), finding]);
  const potential = (finding: Finding) => findings.filter((other) => canExplain(finding, other)).length;
  const worstExplained = (finding: Finding) => Math.max(-1, ...findings.filter((other) => canExplain(finding, other)).map((other) => severityRank(other.severity)));
  // The narrower explanation first when two fit the same evidence: a loss that takes log() without
  // an epsilon explains a NaN more specifically than a learning rate that explains twenty symptoms.
  const breadth = (finding: Finding) => rulesById.get(finding.id)?.explains?.length ?? 0;
  // Who gets to explain first: causes, then the more severe, then a cause with evidence of its own
  // before a weak one, then the one explaining the most serious thing seen, then the more specific,
  // then the one that explains more of what was seen, then the earliest.
  const candidates = [...findings].sort(
    (a, b) =>
      Number(roleOf(a) === 'symptom') - Number(roleOf(b) === 'symptom') ||
      severityRank(b.severity) - severityRank(a.severity) ||
      Number(isWeak(a)) - Number(isWeak(b)) ||
      worstExplained(b) - worstExplained(a) ||
      (roleOf(a) === 'cause' ? breadth(a) - breadth(b) : 0) ||
      potential(b) - potential(a) ||
      (firstStepOf(a) ?? -1) - (firstStepOf(b) ?? -1) ||
      order.get(a.key)! - order.get(b.key)!,
  );
  const explainedBy = new Map<string, string>();
  const rootOf = new Map<string, Finding>();
  const trees: Array<{ root: Finding; members: Finding[] }> = [];
  for (const root of candidates) {
    if (rootOf.has(root.key)) continue;
    const sameRule = byId.get(root.id)!.filter((finding) => !rootOf.has(finding.key));
    for (const finding of sameRule) rootOf.set(finding.key, root);
    const members = [...sameRule];
    const layersByRule = new Map<string, Set<string>>();
    const layers = (finding: Finding) => {
      if (!layersByRule.has(finding.id)) layersByRule.set(finding.id, layersOf(byId.get(finding.id)!));
      return layersByRule.get(finding.id)!;
    };
    for (let grew = true; grew; ) {
      grew = false;
      for (const candidate of candidates) {
        if (rootOf.has(candidate.key)) continue;
        if (!members.some((member) => canExplain(member, candidate, layers(member)))) continue;
        rootOf.set(candidate.key, root);
        explainedBy.set(candidate.key, root.id);
        members.push(candidate);
        grew = true;
      }
    }
    for (const finding of sameRule) if (finding !== root) explainedBy.set(finding.key, root.id);
    trees.push({ root, members });
  }

  const severity = new Map<string, Severity>(findings.map((finding) => [finding.key, finding.severity]));
  const groups: FindingGroup[] = trees.map(({ root, members }) => {
    // Confirmation comes from evidence that stands on its own: two weak hints do not make a warning.
    const confirmed = members.some((member) => member.id !== root.id && member.severity !== 'info' && !isWeak(member));
    let own: Severity = members.filter((m) => m.id === root.id).reduce<Severity>((worst, m) => (severityRank(m.severity) > severityRank(worst) ? m.severity : worst), 'info');
    if (!confirmed && isWeak(root)) {
      own = 'info';
      for (const member of members) if (member.id === root.id || isWeak(member)) severity.set(member.key, 'info');
    }
    // A cause is as serious as the worst thing it explains (a "warning" learning rate that made the
    // loss NaN) — counting only evidence that stands on its own.
    const groupSeverity = members.reduce<Severity>((worst, m) => (m.id !== root.id && !isWeak(m) && severityRank(m.severity) > severityRank(worst) ? m.severity : worst), own);
    const role = roleOf(root);
    // The finding's own check is bound to the notebook's names; a hand-built finding falls back to the rule's.
    const nextCheck = role === 'symptom' ? (root.check ?? rulesById.get(root.id)?.nextCheck) : undefined;
    return { finding: root, role, severity: groupSeverity, folded: members.filter((m) => m !== root).sort((a, b) => order.get(a.key)! - order.get(b.key)!), ...(nextCheck ? { nextCheck } : {}) };
  });
  // Then in the order they got to explain (the claiming order above), so the verdict is the cause
  // that claimed the most serious symptom, not the one with the longest list.
  const claimed = new Map(candidates.map((finding, index) => [finding.key, index]));
  groups.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      Number(a.role === 'symptom') - Number(b.role === 'symptom') ||
      claimed.get(a.finding.key)! - claimed.get(b.finding.key)!,
  );
  const top = groups[0];
  const verdict: Verdict | null =
    top && top.severity !== 'info'
      ? {
          id: top.finding.id,
          key: top.finding.key,
          title: top.finding.title,
          evidence: top.finding.evidence.summary,
          severity: top.severity,
          role: top.role,
          explains: [...new Set(top.folded.map((f) => f.id).filter((id) => id !== top.finding.id))],
          ...(top.nextCheck ? { nextCheck: top.nextCheck } : {}),
        }
      : null;
  return { verdict, groups, explainedBy, severity };
}
