// Every fix the diagnosis panel offers ("Insert fix as new cell" on a top-level finding) of every
// gallery example, inserted after the example's cells in the real kernel and run: it must run
// without throwing, train again, and the finding it was offered for must be gone from its run
// (issue 22). Fixes that cannot be bound to the notebook's names offer no code and say why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../src/shared/diagnosis';
import { listExamples, notable, runExample, runFix, startGalleryKernel } from './run-example';

const only = process.env.LOSSBOOK_FIX_EXAMPLES?.split(',');
const examples = listExamples((name) => !only || only.some((wanted) => name.includes(wanted))).filter((example) => !example.script.healthy);
const supervisor = startGalleryKernel();

beforeAll(async () => {
  await supervisor.start();
}, 120_000);

afterAll(async () => {
  await supervisor.shutdown();
});

describe('offered fixes run as inserted and clear their finding', () => {
  for (const example of examples) {
    it(
      example.name,
      async () => {
        const result = await runExample(supervisor, example);
        const offered = diagnose(notable(result.findings))
          .groups.filter((group) => group.finding.fix.code && group.severity !== 'info')
          .map((group) => group.finding);
        for (const finding of offered) {
          expect(finding.fix.code, finding.id).not.toMatch(/\$(model|x|y|optimizer|fit)\b/);
          const fix = await runFix(supervisor, example, finding);
          expect(fix.errors, `${finding.id} fix threw:\n${fix.code}`).toEqual([]);
          expect(fix.status, finding.id).toBe('ok');
          expect(fix.cleared, `${finding.id} still found after its fix:\n${fix.code}\n${fix.findings.map((f) => `${f.id}: ${f.evidence.summary}`).join('\n')}`).toBe(true);
        }
        // A fix offered without code says why (never a placeholder that would throw).
        for (const finding of result.findings) if (!finding.fix.code && /No code to insert/.test(finding.fix.text)) expect(finding.fix.text).toMatch(/could not tell which notebook variable holds/);
      },
      180_000,
    );
  }
});
