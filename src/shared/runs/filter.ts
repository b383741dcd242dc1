// The runs filter, one language for `lossbook runs list --filter` and the runs view's filter box:
//   learningRate>0.01   optimizer=Adam   status!=ok   tag=baseline   notebook~mnist   loss<0.5
// Terms are ANDed (separate them with spaces or commas). A name is a column (status, origin,
// notebook, tag, verdict, note, id, cell), else a param, else a metric's final value. A term
// without an operator matches that text anywhere in the row.
import type { RunEntry, RunParamValue } from './model';

type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=' | '~';

export interface FilterTerm {
  name?: string;
  operator?: Operator;
  value: string;
}

export class RunFilterError extends Error {
  override readonly name = 'RunFilterError';
}

const TERM = /^([A-Za-z_][\w./-]*)\s*(!=|<=|>=|=|<|>|~)\s*(.*)$/;

export function parseRunFilter(text: string): FilterTerm[] {
  const terms: FilterTerm[] = [];
  // Quotes keep spaces: note~"lr too high".
  for (const match of text.matchAll(/(?:[^\s,"]+(?:"[^"]*")?|"[^"]*")+/g)) {
    const raw = match[0].replace(/"/g, '');
    const term = TERM.exec(raw);
    if (!term) {
      terms.push({ value: raw.toLowerCase() });
      continue;
    }
    const [, name, operator, value] = term as unknown as [string, string, Operator, string];
    if (!value) throw new RunFilterError(`"${raw}" compares ${name} with nothing: write ${name}${operator}VALUE.`);
    if (['<', '<=', '>', '>='].includes(operator) && !Number.isFinite(Number(value))) throw new RunFilterError(`"${raw}": ${operator} compares numbers, and "${value}" is not one.`);
    terms.push({ name, operator, value });
  }
  return terms;
}

const COLUMNS: Record<string, (run: RunEntry) => RunParamValue | string[]> = {
  status: (run) => run.status,
  origin: (run) => run.origin,
  notebook: (run) => run.notebook,
  tag: (run) => run.tags,
  tags: (run) => run.tags,
  verdict: (run) => run.verdict?.id ?? null,
  note: (run) => run.note,
  id: (run) => run.id,
  number: (run) => run.number,
  cell: (run) => run.cellIndex,
  duration: (run) => run.durationMs,
};

function valueOf(run: RunEntry, name: string): RunParamValue | string[] | undefined {
  const column = COLUMNS[name];
  if (column) return column(run);
  if (name in run.params) return run.params[name];
  const metric = run.metrics[name.replace(/^metric\./, '')];
  return metric ? metric.last : undefined;
}

function compare(value: RunParamValue, operator: Operator, expected: string): boolean {
  if (operator === '~') return value !== null && String(value).toLowerCase().includes(expected.toLowerCase());
  if (operator === '=' || operator === '!=') {
    const equal = value !== null && (typeof value === 'number' && Number.isFinite(Number(expected)) ? value === Number(expected) : String(value).toLowerCase() === expected.toLowerCase());
    return operator === '=' ? equal : !equal;
  }
  if (typeof value !== 'number') return false;
  const limit = Number(expected);
  return operator === '<' ? value < limit : operator === '<=' ? value <= limit : operator === '>' ? value > limit : value >= limit;
}

function searchText(run: RunEntry): string {
  return [run.id, run.notebook, run.status, run.origin, run.note, run.verdict?.id, run.verdict?.title, ...run.tags, ...Object.values(run.params).map(String)].join('\n').toLowerCase();
}

export function matchesRun(run: RunEntry, terms: readonly FilterTerm[]): boolean {
  for (const term of terms) {
    if (!term.name || !term.operator) {
      if (!searchText(run).includes(term.value)) return false;
      continue;
    }
    const value = valueOf(run, term.name);
    if (value === undefined) {
      if (term.operator !== '!=') return false;
      continue;
    }
    const ok = Array.isArray(value) ? (term.operator === '!=' ? value.every((item) => compare(item, '!=', term.value)) : value.some((item) => compare(item, term.operator!, term.value))) : compare(value, term.operator, term.value);
    if (!ok) return false;
  }
  return true;
}

/** Filter rows with a filter text (throws RunFilterError for a malformed one). */
export function filterRuns(runs: readonly RunEntry[], text: string): RunEntry[] {
  const terms = parseRunFilter(text);
  return terms.length ? runs.filter((run) => matchesRun(run, terms)) : [...runs];
}
