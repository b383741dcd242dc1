// Runs gallery notebooks (percent scripts) through the real kernel — KernelSupervisor, the
// same path as the app and `lossbook run` — and collects what each produced: findings merged
// by key across its cells, run statuses, errors and time. Used by gallery.test.ts and by
// scripts/examples-table.ts (the README table).
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KernelSupervisor } from '../src/host/kernel-supervisor';
import { parsePercentScript, type PercentScript } from '../src/shared/notebook/percent';
import { mergeFindings } from '../src/shared/notebook/run-reducer';
import type { Finding, HostEvent } from '../src/shared/protocol';
import { ruleById } from '../src/shared/diagnosis';
import { roleOf } from '../src/shared/diagnosis/verdict';

export const examplesDir = dirname(fileURLToPath(import.meta.url));
export const repositoryRoot = join(examplesDir, '..');

export interface GalleryExample {
  name: string;
  path: string;
  script: PercentScript;
}

export interface ExampleResult {
  name: string;
  title: string;
  expected: string[];
  healthy: boolean;
  findings: Finding[];
  /** Kinds of `artifact` events (lossbook.checks results, LR range tests). */
  artifacts: string[];
  /** Everything the cells printed. */
  output: string;
  statuses: string[];
  errors: string[];
  durationMs: number;
}

export function listExamples(filter?: (name: string) => boolean): GalleryExample[] {
  return readdirSync(examplesDir)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts') && file !== 'run-example.ts')
    .sort()
    .map((file) => ({ name: basename(file, '.ts'), path: join(examplesDir, file), script: parsePercentScript(readFileSync(join(examplesDir, file), 'utf8')) }))
    .filter((example) => !filter || filter(example.name));
}

export function startGalleryKernel(): KernelSupervisor {
  // Seeded: every example draws the same initial weights and shuffles on every run, so what the
  // gallery finds is what it found last time (no run-to-run drift in the tests or the table).
  return new KernelSupervisor({ backend: 'wasm', backendRequestedBy: 'flag', cwd: repositoryRoot, entry: join(repositoryRoot, 'src/kernel/main.ts'), startTimeoutMs: 120_000, env: { LOSSBOOK_SEED: '20261202' } });
}

/** Run every code cell of an example in order (namespace reset first), as a user pressing Run All. */
export async function runExample(supervisor: KernelSupervisor, example: GalleryExample): Promise<ExampleResult> {
  await supervisor.start();
  await supervisor.resetNamespace();
  const findings: Finding[] = [];
  const artifacts: string[] = [];
  let output = '';
  const statuses: string[] = [];
  const errors: string[] = [];
  const runIds = new Set<string>();
  const listener = supervisor.onEvent((event: HostEvent) => {
    if (!('runId' in event) || !event.runId || !runIds.has(event.runId)) return;
    if (event.type === 'findings') mergeFindings(findings, event.findings);
    if (event.type === 'error') errors.push(`${event.error.name}: ${event.error.message}`);
    if (event.type === 'artifact') artifacts.push(event.kind);
    if (event.type === 'stream') output += event.text;
  });
  const started = Date.now();
  try {
    for (const [index, cell] of example.script.cells.entries()) {
      if (cell.kind !== 'code') continue;
      const runId = `${example.name}-${index}-${started}`;
      runIds.add(runId);
      const { done } = await supervisor.execute({ cellId: cell.id, code: cell.source, runId });
      const finished = await done;
      statuses.push(finished.status);
      if (finished.status !== 'ok') break;
    }
  } finally {
    listener.dispose();
  }
  return {
    name: example.name,
    title: example.script.title ?? example.name,
    expected: example.script.expected,
    healthy: example.script.healthy,
    findings,
    artifacts,
    output,
    statuses,
    errors,
    durationMs: Date.now() - started,
  };
}

/** Findings that matter for the table: everything but the per-run backend note. */
export function notable(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.id !== 'perf.backend-fallback');
}

/**
 * The root causes the verdict may name for an example: its `// @verdict:`, else the causes among its
 * expected findings (configuration/data facts), else every expected finding (a symptom-only bug).
 */
export function expectedVerdicts(script: PercentScript): string[] {
  if (script.verdict) return [script.verdict];
  const causes = script.expected.filter((id) => {
    const rule = ruleById(id);
    return rule !== undefined && roleOf({ id, family: rule.family } as Finding) === 'cause';
  });
  return causes.length ? causes : script.expected;
}

export interface FixResult {
  finding: Finding;
  code: string;
  status: string;
  errors: string[];
  /** Findings of the run of the inserted fix cell. */
  findings: Finding[];
  /** The finding the fix was offered for is gone from the fix's own run. */
  cleared: boolean;
}

/**
 * Insert a finding's fix as a new cell after the example's cells (same namespace, as the panel's
 * "Insert fix as new cell" does) and run it: does it run, and is the finding gone from its run?
 */
export async function runFix(supervisor: KernelSupervisor, example: GalleryExample, finding: Finding): Promise<FixResult> {
  await runExample(supervisor, example);
  const code = finding.fix.code!;
  const findings: Finding[] = [];
  const errors: string[] = [];
  const runId = `${example.name}-fix-${finding.key}-${Date.now()}`;
  const listener = supervisor.onEvent((event: HostEvent) => {
    if (!('runId' in event) || event.runId !== runId) return;
    if (event.type === 'findings') mergeFindings(findings, event.findings);
    if (event.type === 'error') errors.push(`${event.error.name}: ${event.error.message}`);
  });
  let status = 'error';
  try {
    const { done } = await supervisor.execute({ cellId: `fix-${finding.key}`, code, runId });
    status = (await done).status;
  } finally {
    listener.dispose();
  }
  return { finding, code, status, errors, findings, cleared: status === 'ok' && !findings.some((f) => f.id === finding.id) };
}
