// `npm run bench -- diagnosis` (issue 22): every example of the gallery and of the real-fault set
// (examples/rf-*.ts, each citing its StackOverflow question or tfjs issue) through the real
// kernel, scored as a user would judge the diagnosis:
// - recall: the buggy run shows at least one of its expected findings (any severity above a note);
// - top-1: the verdict names its root cause (`// @verdict:`, else a cause among the expected, else any expected);
// - top-level findings: warnings/errors left unfolded per buggy run (median; the panel's first screen);
// - healthy warnings: controls (`// @healthy`) that show any warning or error;
// - fixes: every fix the panel offers as code, inserted after the example and run — it must run and
//   clear the finding it was offered for.
import { diagnose, ruleById } from '../src/shared/diagnosis';
import { expectedVerdicts, listExamples, notable, runExample, runFix, startGalleryKernel } from '../examples/run-example';
import { median, type Benchmark } from './harness';

const bench: Benchmark = {
  name: 'diagnosis',
  description: 'recall, top-1 verdict, top-level findings, healthy false alarms and fixes that run, over the gallery and the real-fault set',
  async run() {
    const examples = listExamples();
    const supervisor = startGalleryKernel();
    const rows: Array<Record<string, string | number>> = [];
    const perExample: Array<Record<string, unknown>> = [];
    let fixesOffered = 0;
    let fixesCleared = 0;
    try {
      for (const example of examples) {
        const result = await runExample(supervisor, example);
        const diagnosis = diagnose(notable(result.findings));
        const topLevel = diagnosis.groups.filter((group) => group.severity !== 'info').map((group) => group.finding.id);
        const fixes: Array<{ id: string; ran: boolean; cleared: boolean; error?: string }> = [];
        // Offered = what the panel shows "Insert fix as new cell" for: top-level findings above a note.
        for (const group of diagnosis.groups.filter((g) => g.finding.fix.code && g.severity !== 'info')) {
          const fix = await runFix(supervisor, example, group.finding);
          fixes.push({ id: group.finding.id, ran: fix.status === 'ok', cleared: fix.cleared, ...(fix.errors.length ? { error: fix.errors[0]!.slice(0, 200) } : {}) });
        }
        fixesOffered += fixes.length;
        fixesCleared += fixes.filter((f) => f.ran && f.cleared).length;
        const record = {
          name: example.name,
          set: example.name.startsWith('rf-') ? 'real-fault' : 'gallery',
          healthy: example.script.healthy,
          source: example.script.source ?? null,
          expected: example.script.expected,
          expectedVerdicts: example.script.healthy ? [] : expectedVerdicts(example.script),
          verdict: diagnosis.verdict?.id ?? null,
          // Found at all (a note counts: data.constant-feature is one by design).
          detected: !example.script.healthy && example.script.expected.some((id) => result.findings.some((f) => f.id === id)),
          // A bug whose findings are all notes by design (data.constant-feature) has no verdict to rank.
          topOne:
            !example.script.healthy &&
            (diagnosis.verdict !== null ? expectedVerdicts(example.script).includes(diagnosis.verdict.id) : example.script.expected.every((id) => ruleById(id)?.severity === 'info')),
          topLevel,
          fixes,
          seconds: Math.round(result.durationMs / 100) / 10,
        };
        perExample.push(record);
        rows.push({
          example: example.name,
          kind: example.script.healthy ? 'healthy' : 'buggy',
          verdict: record.verdict ?? '—',
          ok: example.script.healthy ? (topLevel.length ? 'WARN' : 'clean') : `${record.detected ? 'found' : 'MISSED'}${record.topOne ? ', top-1' : ', top-1 ✘'}`,
          topLevel: topLevel.length,
          fixes: fixes.length ? `${fixes.filter((f) => f.cleared).length}/${fixes.length}` : '—',
        });
      }
    } finally {
      await supervisor.shutdown();
    }
    const summarize = (records: typeof perExample) => {
      const buggy = records.filter((r) => !r.healthy);
      const healthy = records.filter((r) => r.healthy);
      return {
        buggy: buggy.length,
        healthy: healthy.length,
        recall: buggy.filter((r) => r.detected).length / Math.max(1, buggy.length),
        topOne: buggy.filter((r) => r.topOne).length / Math.max(1, buggy.length),
        medianTopLevel: median(buggy.map((r) => (r.topLevel as string[]).length)),
        maxTopLevel: Math.max(0, ...buggy.map((r) => (r.topLevel as string[]).length)),
        healthyWarnings: healthy.filter((r) => (r.topLevel as string[]).length > 0).map((r) => r.name),
      };
    };
    const all = summarize(perExample);
    const gallery = summarize(perExample.filter((r) => r.set === 'gallery'));
    const realFaults = summarize(perExample.filter((r) => r.set === 'real-fault'));
    const fixRate = fixesOffered ? fixesCleared / fixesOffered : 1;
    const round = (value: number) => Math.round(value * 1000) / 1000;
    rows.push({ example: 'ALL', kind: `${all.buggy} buggy / ${all.healthy} healthy`, verdict: `top-1 ${round(all.topOne)}`, ok: `recall ${round(all.recall)}`, topLevel: all.medianTopLevel, fixes: `${fixesCleared}/${fixesOffered}` });
    return {
      table: rows,
      data: { all, gallery, realFaults, fixes: { offered: fixesOffered, ranAndCleared: fixesCleared, rate: fixRate }, examples: perExample },
      targets: {
        'recall ≥ 0.9': all.recall >= 0.9,
        'top-1 verdict ≥ 0.85': all.topOne >= 0.85,
        'median top-level findings per buggy run ≤ 2': all.medianTopLevel <= 2,
        '0 healthy controls with a warning': all.healthyWarnings.length === 0,
        '≥ 90% of offered fixes run and clear their finding': fixRate >= 0.9,
      },
    };
  },
};

export default bench;
