// docs/catalog.md, generated from the rule objects: the rules are the one source of truth, the
// document is their readable form (issue 19). `npm run catalog` writes it; catalog.test.ts fails
// when the file and the rules disagree.
import type { Rule } from './types';
import { roleOf } from './verdict';

const SECTIONS: ReadonlyArray<[Rule['family'], string]> = [
  ['static', 'Static checks (model and compile config, before the first step)'],
  ['data', 'Data checks (the first batches, and the whole dataset when cheap)'],
  ['dynamic', 'Dynamic checks (during training, per step and epoch)'],
  ['trend', 'Train/validation trend (per epoch, the table of seed 001)'],
  ['resources', 'Resources and runtime'],
];

const PREAMBLE = `# Lossbook diagnosis catalog

Generated from the rule objects in \`src/shared/diagnosis/\` by \`npm run catalog\`; do not edit by
hand (\`src/shared/diagnosis/catalog.test.ts\` fails when this file and the rules disagree).

Every rule has a stable \`id\` (an API: reports, \`--json\` and dismissals use it). A finding carries
its **evidence** (the numbers that triggered it, with the step or epoch), a **severity**, an
**explanation**, a **fix** (code bound to the user's own names when it can be), the **source**, and
can be dismissed. A **cause** is a configuration or data fact; a **symptom** is what training
showed. The verdict puts the most likely cause first and folds the symptoms it **explains** under it;
a symptom that no cause explains comes with the **next check** that tells the causes apart.

Sources: seed \`000\` = TF high-level API port debugging story; \`001\` = loss-not-decreasing summary
(causes, train/test trend table, Caffe 87.3356, OOM, tuning); \`002\` = 20-item debugging notes;
\`003\` = Géron ch. 11 training tricks; published detectors (UMLAUT, AUTOTRAINER, DeepDiagnosis,
SageMaker Debugger, Cockpit) and the fault taxonomy of Humbatova et al. (ICSE 2020).`;

function inline(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function explained(rule: Rule): string[] {
  return [...new Set((rule.explains ?? []).map((entry) => (typeof entry === 'string' ? entry : entry.id)))];
}

function ruleSection(rule: Rule): string {
  // The role as the verdict sees it (a rule's own `role`, else its family's default).
  const role = roleOf({ id: rule.id, family: rule.family } as Parameters<typeof roleOf>[0]);
  const thresholds = Object.entries(rule.thresholds).map(([name, value]) => `\`${name} = ${value}\``);
  const lines = [
    `### \`${rule.id}\` — ${inline(rule.title)}`,
    '',
    `*${rule.severity}, ${role}*${rule.transient ? ' · transient (a note when it no longer holds at the end of the run)' : ''}${rule.needsSymptom ? ' · alone it is a note unless a symptom it explains confirms it' : ''}`,
    '',
    inline(rule.explanation),
    '',
    `**Fix:** ${inline(rule.fix.text)}`,
  ];
  if (rule.fix.code) lines.push('', '```js', rule.fix.code.trim(), '```');
  if (thresholds.length) lines.push('', `**Thresholds:** ${thresholds.join(', ')}`);
  const explains = explained(rule);
  if (explains.length) lines.push('', `**Explains:** ${explains.map((id) => `\`${id}\``).join(', ')}`);
  if (rule.nextCheck) lines.push('', `**Next check:** ${inline(rule.nextCheck.text)} \`${inline(rule.nextCheck.code)}\``);
  lines.push('', `**Source:** ${inline(rule.source)}`);
  return lines.join('\n');
}

/** The whole document, byte for byte what docs/catalog.md must hold. */
export function catalogMarkdown(rules: readonly Rule[]): string {
  const parts = [PREAMBLE];
  SECTIONS.forEach(([family, heading], index) => {
    const members = rules.filter((rule) => rule.family === family);
    if (!members.length) return;
    const rows = members.map((rule) => `| \`${rule.id}\` | ${rule.severity} | ${inline(rule.title).replace(/\|/g, '\\|')} |`);
    parts.push(`## ${index + 1}. ${heading}`, ['| id | severity | title |', '|---|---|---|', ...rows].join('\n'));
    for (const rule of members) parts.push(ruleSection(rule));
  });
  const unlisted = rules.filter((rule) => !SECTIONS.some(([family]) => family === rule.family));
  if (unlisted.length) throw new Error(`rules of no catalog section: ${unlisted.map((rule) => rule.id).join(', ')}`);
  return `${parts.join('\n\n')}\n`;
}
