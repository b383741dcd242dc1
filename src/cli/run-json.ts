// The `lossbook run --json` document. Its shape is an API (docs/cli.md): add fields only.
import type { Notebook, RunRecord } from '../shared/notebook/model';
import type { BackendInfo, Finding, Severity } from '../shared/protocol';
import { activeFindings, failingFindings as failingRunFindings, type FailOnSeverity } from '../shared/diagnosis/findings-policy';
import { diagnose, type Diagnosis } from '../shared/diagnosis/verdict';
import type { ParamValue } from '../shared/sweep/space';
import { latestSweepArtifacts, rankTrials } from '../shared/sweep/view-model';
import { LOSSBOOK_VERSION } from '../shared/version';

export interface RunJsonFinding {
  id: string;
  severity: Severity;
  title: string;
  /** The one-line evidence with the numbers ("loss 87.34 at step 12"). */
  evidence: string;
  step: number | null;
  epoch: number | null;
  /** Id of the finding that explains this one (its root cause or leading symptom); null at top level. */
  explainedBy: string | null;
}

/** The most likely root cause of a run (issue 22); null when nothing above a note was found. */
export interface RunJsonVerdict {
  id: string;
  title: string;
  evidence: string;
  /** cause: a configuration/data fact; symptom: no cause fired, the leading symptom. */
  role: 'cause' | 'symptom';
  severity: Severity;
  /** Ids of the findings it explains. */
  explains: string[];
  /** For a symptom: the check to run next (bound to the notebook's names where possible). */
  nextCheck: { text: string; code: string | null } | null;
}

/** One trial of a sweep; numbers that were NaN/Infinity (or never reported) are null. */
export interface RunJsonTrial {
  id: number;
  status: 'running' | 'completed' | 'pruned' | 'failed';
  params: Record<string, ParamValue>;
  best: number | null;
  final: number | null;
  prunedAt: number | null;
  reason: string | null;
  findings: Array<{ id: string; severity: Severity }>;
  /** Where it ran: 'kernel', 'process:<pid>' or 'ray:<node address>/<node id>' (added with issue 23). */
  where: string | null;
  /** Attempts made: 2 when its first worker was lost and it ran once more. */
  attempts: number;
}

/** A `lossbook.sweep` the run made: the last state the kernel published for it. */
export interface RunJsonSweep {
  cell: number;
  name: string;
  metric: string;
  goal: 'min' | 'max';
  best: { trial: number; params: Record<string, ParamValue>; value: number } | null;
  /** Finished trials best first (as the sweep ranks them), then any left running by an interrupt. */
  trials: RunJsonTrial[];
  commonFindings: Array<{ id: string; severity: Severity; trials: number[]; share: number; association: string | null }>;
}

export interface RunJson {
  lossbookVersion: string;
  /** The tfjs backend the kernel ran on ("wasm", "webgpu", …); null if the kernel never started. */
  backend: string | null;
  runs: Array<{
    /** Zero-based index of the cell in the notebook (markdown cells count). */
    cell: number;
    /** Every metric series by name, one value per recorded step; null where the value was not finite. */
    metrics: Record<string, Array<number | null>>;
    /**
     * The global step of each value in `metrics`, by the same names and of the same lengths (added
     * in 0.2): per-epoch series (`val_loss`) are recorded at the step their epoch ended, so they
     * line up with per-step ones (`loss`) by step, not by index.
     */
    steps: Record<string, number[]>;
    /** The most likely root cause with its evidence (added in 0.2). */
    verdict: RunJsonVerdict | null;
    /** Findings the run produced, dismissed ones left out; folded ones carry `explainedBy`. */
    findings: RunJsonFinding[];
    memory: { tensorsBefore: number; tensorsAfter: number; bytesBefore: number; bytesAfter: number } | null;
  }>;
  /** Hyperparameter sweeps the runs made (added in 0.1; empty when none). */
  sweeps: RunJsonSweep[];
}

const finiteOrNull = (value: number | undefined): number | null => (value !== undefined && Number.isFinite(value) ? value : null);

/** The sweeps of the given runs, for --json. */
export function buildSweepsJson(notebook: Notebook, runs: readonly RunRecord[]): RunJsonSweep[] {
  return runs.flatMap((run) => {
    const cell = notebook.cells.findIndex((candidate) => candidate.id === run.cellId);
    return latestSweepArtifacts(run).map((artifact) => {
      const { state } = artifact;
      const ranked = rankTrials(state);
      const running = state.trials.filter((trial) => trial.status === 'running');
      const top = ranked.find((trial) => trial.best !== undefined && Number.isFinite(trial.best));
      return {
        cell,
        name: artifact.name,
        metric: state.settings.metric,
        goal: state.settings.goal,
        best: top ? { trial: top.id, params: top.params, value: top.best! } : null,
        trials: [...ranked, ...running].map((trial) => ({
          id: trial.id,
          status: trial.status,
          params: trial.params,
          best: finiteOrNull(trial.best),
          final: finiteOrNull(trial.final),
          prunedAt: trial.prunedAt ?? null,
          reason: trial.reason ?? null,
          findings: trial.findings.map((finding) => ({ id: finding.id, severity: finding.severity })),
          where: trial.where ?? null,
          attempts: trial.attempts ?? 1,
        })),
        commonFindings: artifact.commonFindings.map((finding) => ({
          id: finding.id,
          severity: finding.severity,
          trials: finding.trials,
          share: finding.share,
          association: finding.association?.text ?? null,
        })),
      };
    });
  });
}

export function findingToJson(finding: Finding, diagnosis?: Diagnosis): RunJsonFinding {
  return {
    id: finding.id,
    severity: diagnosis?.severity.get(finding.key) ?? finding.severity,
    title: finding.title,
    evidence: finding.evidence.summary,
    step: finding.step ?? null,
    epoch: finding.epoch ?? null,
    explainedBy: diagnosis?.explainedBy.get(finding.key) ?? null,
  };
}

export function verdictToJson(diagnosis: Diagnosis): RunJsonVerdict | null {
  const verdict = diagnosis.verdict;
  if (!verdict) return null;
  return { id: verdict.id, title: verdict.title, evidence: verdict.evidence, role: verdict.role, severity: verdict.severity, explains: verdict.explains, nextCheck: verdict.nextCheck ? { text: verdict.nextCheck.text, code: verdict.nextCheck.code ?? null } : null };
}

/** Build the JSON for the given runs (the ones this invocation made) of `notebook`. */
export function buildRunJson(notebook: Notebook, runs: readonly RunRecord[], backend: BackendInfo | undefined): RunJson {
  return {
    lossbookVersion: LOSSBOOK_VERSION,
    backend: backend?.name ?? null,
    runs: runs.map((run) => {
      const cellIndex = notebook.cells.findIndex((cell) => cell.id === run.cellId);
      const active = activeFindings(run.findings, notebook.cells[cellIndex]?.dismissed ?? []);
      const diagnosis = diagnose(active);
      return {
        cell: cellIndex,
        metrics: Object.fromEntries(run.series.map((series) => [series.name, series.values.map((value) => (value !== null && Number.isFinite(value) ? value : null))])),
        steps: Object.fromEntries(run.series.map((series) => [series.name, [...series.steps]])),
        verdict: verdictToJson(diagnosis),
        findings: active.map((finding) => findingToJson(finding, diagnosis)),
        memory: run.memory
          ? { tensorsBefore: run.memory.before.numTensors, tensorsAfter: run.memory.after.numTensors, bytesBefore: run.memory.before.numBytes, bytesAfter: run.memory.after.numBytes }
          : null,
      };
    }),
    sweeps: buildSweepsJson(notebook, runs),
  };
}

/** Active findings at or above `threshold` (the --fail-on check), by the shared findings policy. */
export function failingFindings(notebook: Notebook, runs: readonly RunRecord[], threshold: FailOnSeverity): Finding[] {
  return runs.flatMap((run) => failingRunFindings(run.findings, notebook.cells.find((cell) => cell.id === run.cellId)?.dismissed ?? [], threshold));
}
