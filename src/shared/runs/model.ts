// The run store's records (issue 20): what every finished run leaves behind, as the host writes
// it to SQLite (src/host/runs) and as the CLI, the API and the runs view read it back. Pure
// types and helpers: every process may import them.
import type { Finding, RunMemory, RunStatus } from '../protocol';
import type { FitSummary } from '../diagnosis/types';

/** A hyperparameter or fact a run can be filtered, sorted and compared by. */
export type RunParamValue = number | string | boolean | null;

/** Where the run came from: a cell run in the app, `lossbook run`, or one trial of a sweep. */
export type RunOrigin = 'app' | 'cli' | 'sweep';

/** One metric series' summary: what the table shows without decoding the points. */
export interface RunMetricSummary {
  last: number | null;
  min: number | null;
  max: number | null;
  count: number;
}

/** One row of the runs table (`runs list`, the runs view). */
export interface RunEntry {
  id: string;
  /** Short handle for the CLI (`lossbook runs show 12`): the store's row number, never reused. */
  number: number;
  /** Epoch milliseconds when the run started. */
  createdAt: number;
  /** The notebook or script the run came from (absolute path), where known. */
  notebook: string | null;
  cellId: string;
  cellIndex: number | null;
  origin: RunOrigin;
  /** For a sweep trial: the run of the cell that ran the sweep. */
  parentId: string | null;
  status: RunStatus | 'running';
  durationMs: number | null;
  /** learningRate, optimizer, loss, batchSize, epochs, validationSplit, seed, totalParams, … and a trial's params. */
  params: Record<string, RunParamValue>;
  metrics: Record<string, RunMetricSummary>;
  verdict: { id: string; title: string } | null;
  findingCounts: { error: number; warning: number; info: number };
  tags: string[];
  note: string;
}

/** The model as recorded: enough to diff two runs' architectures. */
export interface RunModelConfig {
  name: string;
  layers: Array<{ name: string; className: string; units?: number; activation?: string; params: number }>;
  losses: string[];
  optimizer?: { className: string; learningRate?: number; momentum?: number };
  totalParams: number;
  trainableParams: number;
  /** sha-256 of the layer stack and losses (not the weights): equal when the architecture is. */
  structuralHash: string;
}

export interface RunDataConfig {
  xShape?: number[];
  yShape?: number[];
  rows?: number;
  x?: { min: number; max: number; mean: number; std: number; nan: number; infinite: number };
  labels?: { encoding: string; classes: number };
}

/** Everything captured about how a run was configured (the config diff compares this, flattened). */
export interface RunConfig {
  model?: RunModelConfig;
  fit?: FitSummary;
  data?: RunDataConfig;
  backend?: { name: string; device?: string; isGpu: boolean };
  versions: { lossbook: string; tfjs?: string };
  seed?: number;
}

/** A run with everything recorded about it (`runs show`, Compare). Series are read separately. */
export interface RunDetail extends RunEntry {
  /** The cell's code. */
  source: string;
  sourceHash: string;
  /** sha-256 of the code that ran in this kernel session before the cell (what built its namespace). */
  priorCodeHash: string;
  /** The code that ran before it, for the code diff (bounded). */
  priorCode: string;
  config: RunConfig;
  memory: RunMemory | null;
  findings: Finding[];
}

/** One metric series of a stored run, whole (charts decimate what they draw). */
export interface StoredSeries {
  runId: string;
  name: string;
  steps: number[];
  values: Array<number | null>;
}

/** A finished run as the recorder hands it to the store. */
export interface RunToStore extends Omit<RunDetail, 'number' | 'tags' | 'note' | 'metrics'> {
  series: Array<{ name: string; steps: number[]; values: Array<number | null> }>;
  tags?: string[];
  note?: string;
}

/**
 * Summary of one series: min/max over finite values; `last` is the final point, null when that
 * was not finite (a loss that ended NaN must not show its last good value).
 */
export function summarizeSeries(values: ReadonlyArray<number | null>): RunMetricSummary {
  let min: number | null = null;
  let max: number | null = null;
  for (const value of values) {
    if (value === null || !Number.isFinite(value)) continue;
    if (min === null || value < min) min = value;
    if (max === null || value > max) max = value;
  }
  const final = values.length ? values[values.length - 1] : null;
  return { last: final !== null && final !== undefined && Number.isFinite(final) ? final : null, min, max, count: values.length };
}
