// Produces the README's gallery table from a real run: every example in examples/ through the
// real kernel (wasm), the findings it produced, and whether its expectations held.
//   npx tsx scripts/examples-table.ts            → writes examples/RESULTS.md
//   npx tsx scripts/examples-table.ts dead-relu  → runs the named examples, prints, writes nothing
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagnose } from '../src/shared/diagnosis';
import { examplesDir, listExamples, notable, runExample, startGalleryKernel, type ExampleResult } from '../examples/run-example';

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const verbose = process.argv.includes('--verbose');
const examples = listExamples(wanted.length ? (name) => wanted.some((w) => name.includes(w)) : undefined);
const supervisor = startGalleryKernel();
const results: ExampleResult[] = [];
try {
  for (const example of examples) {
    const result = await runExample(supervisor, example);
    results.push(result);
    const ids = notable(result.findings).map((f) => `${f.id}${f.severity === 'info' ? '(i)' : ''}`);
    const missing = result.expected.filter((id) => !result.findings.some((f) => f.id === id));
    const weighed = diagnose(notable(result.findings)).severity;
    const unhealthy = result.healthy ? notable(result.findings).filter((f) => weighed.get(f.key) !== 'info') : [];
    const ok = !missing.length && !unhealthy.length;
    console.log(`${ok ? '✔' : '✘'} ${example.name} (${(result.durationMs / 1000).toFixed(1)} s) [${result.statuses.join(',')}] ${ids.join(', ')}${missing.length ? `  MISSING ${missing.join(', ')}` : ''}`);
    if (verbose || !ok) {
      for (const f of notable(result.findings)) console.log(`    ${f.severity.padEnd(7)} ${f.id}: ${f.evidence.summary}`);
      for (const e of result.errors) console.log(`    error: ${e.slice(0, 300)}`);
    }
  }
} finally {
  await supervisor.shutdown();
}

if (!wanted.length) {
  const escape = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    '# Examples gallery — results',
    '',
    `Produced by \`npx tsx scripts/examples-table.ts\` on ${new Date().toISOString().slice(0, 10)}: every notebook in \`examples/\` run through the real kernel (wasm backend). Do not edit by hand.`,
    '',
    '| example | expected | verdict | findings: top level (folded under it) | key evidence | time |',
    '|---|---|---|---|---|---|',
  ];
  // What the panel shows: the verdict, then each top-level finding with the ones it explains.
  for (const r of results) {
    const shown = notable(r.findings);
    const diagnosis = diagnose(shown);
    const expected = r.healthy ? 'healthy control (no warnings/errors)' : r.expected.map((id) => `\`${id}\``).join(', ');
    const verdict = diagnosis.verdict ? `\`${diagnosis.verdict.id}\`` : '—';
    const found = diagnosis.groups.length
      ? diagnosis.groups.map((g) => `\`${g.finding.id}\` (${g.severity})${g.folded.length ? ` ⟵ ${[...new Set(g.folded.map((f) => f.id))].join(', ')}` : ''}`).join('; ')
      : '—';
    const evidence = shown.filter((f) => r.expected.includes(f.id)).map((f) => `${f.id}: ${f.evidence.summary}`)[0] ?? (r.healthy ? 'no warning or error' : '');
    lines.push(`| [${escape(r.title)}](${r.name}.ts) | ${expected} | ${verdict} | ${escape(found)} | ${escape(evidence.slice(0, 160))} | ${(r.durationMs / 1000).toFixed(1)} s |`);
  }
  const failures = results.filter((r) => r.expected.some((id) => !r.findings.some((f) => f.id === id)) || (r.healthy && diagnose(notable(r.findings)).groups.some((g) => g.severity !== 'info')));
  lines.push('', `${results.length} notebooks, ${results.filter((r) => r.healthy).length} healthy controls; ${failures.length ? `expectations not met: ${failures.map((r) => r.name).join(', ')}` : 'every expectation met'}. Every run also reports \`perf.backend-fallback\` (info) on wasm.`, '');
  writeFileSync(join(examplesDir, 'RESULTS.md'), lines.join('\n'));
  console.log(`wrote examples/RESULTS.md (${results.length} examples)`);
}
