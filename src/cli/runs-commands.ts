// `lossbook runs list | show | compare | export | delete | tag | note` (issue 20): the run store
// from a terminal. Every subcommand returns an exit code; store errors (not a store, damaged,
// newer) are written for the user and exit 2, with the file left as it was.
import { existsSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { writeFileAtomically } from '../host/atomic-write';
import { NotebookFileError, readNotebookFile } from '../host/files';
import { renderComparisonReport } from '../host/report/comparison';
import { runStorePath } from '../host/runs/location';
import { RunStore, RunStoreError } from '../host/runs/store';
import { serializeNotebook } from '../shared/notebook/format';
import { compareRuns } from '../shared/runs/compare';
import { comparisonSnapshot, type ComparisonSource } from '../shared/runs/comparison-snapshot';
import { LOSSBOOK_VERSION } from '../shared/version';
import { filterRuns, RunFilterError } from '../shared/runs/filter';
import type { Notebook } from '../shared/notebook/model';
import type { RunEntry } from '../shared/runs/model';
import { emaDebiased } from '../shared/series/ema';
import type { CommandIo } from './commands';
import { UsageError, writeOutput } from './commands';
import { EXIT, type ExitCode } from './exit-codes';
import { formatComparison, formatRunDetail, formatRunList } from './runs-format';

export interface RunsStoreOption {
  runsDb?: string;
}

/**
 * Run `work` with the store the options and environment name (undefined when no file exists
 * yet: reading never creates one); store and filter errors become a message and exit code 2.
 */
async function withStore(options: RunsStoreOption, io: CommandIo, work: (store: RunStore | undefined, path: string) => ExitCode | Promise<ExitCode>): Promise<ExitCode> {
  const path = runStorePath({ flag: options.runsDb, env: io.env });
  let store: RunStore | undefined;
  try {
    store = existsSync(path) ? RunStore.open(path) : undefined;
    return await work(store, path);
  } catch (error) {
    if (error instanceof RunStoreError || error instanceof RunFilterError) {
      io.stderr.write(`lossbook: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  } finally {
    store?.close();
  }
}

function json(io: CommandIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function runsListCommand(options: RunsStoreOption & { json?: boolean; filter?: string }, io: CommandIo): Promise<ExitCode> {
  return withStore(options, io, (store, path) => {
    const runs = filterRuns(store?.list() ?? [], options.filter ?? '');
    if (options.json) json(io, { store: path, runs });
    else io.stdout.write(`${store ? formatRunList(runs, path) : `No runs recorded yet: ${path} does not exist.`}\n`);
    return EXIT.ok;
  });
}

function requireStore(store: RunStore | undefined, path: string): RunStore {
  if (!store) throw new RunStoreError(`No runs recorded yet: ${path} does not exist.`, 'not-found');
  return store;
}

export function runsShowCommand(reference: string, options: RunsStoreOption & { json?: boolean }, io: CommandIo): Promise<ExitCode> {
  return withStore(options, io, (store, path) => {
    const run = requireStore(store, path).get(reference);
    if (options.json) json(io, { ...run, series: store!.series([run.id]) });
    else io.stdout.write(`${formatRunDetail(run)}\n`);
    return EXIT.ok;
  });
}

/**
 * `--into NB.lossbook`: add the comparison, as a bounded snapshot, to a notebook file. The file is
 * read (and refused with the reason when it is damaged, newer or not a .lossbook) before anything
 * is written, then replaced atomically; a refused file keeps every byte. Not saveNotebookFile:
 * that drops the recovery copy, which belongs to an app that may have the notebook open.
 */
async function addComparisonToNotebook(path: string, source: ComparisonSource, io: CommandIo): Promise<ExitCode> {
  const name = basename(path);
  if (extname(path).toLowerCase() !== '.lossbook') {
    io.stderr.write(`lossbook: --into adds the comparison to a .lossbook notebook; "${name}" is not one (scripts and Jupyter notebooks cannot keep comparisons). The comparison was not added: nothing was written.\n`);
    return EXIT.usage;
  }
  let notebook: Notebook;
  try {
    notebook = await readNotebookFile(path);
  } catch (error) {
    if (!(error instanceof NotebookFileError)) throw error;
    io.stderr.write(`lossbook: ${error.message} The comparison was not added: nothing was written.\n`);
    return EXIT.usage;
  }
  const comparisons = [...(notebook.comparisons ?? []), comparisonSnapshot(source)];
  const updated = { ...notebook, comparisons, metadata: { ...notebook.metadata, modified: new Date().toISOString() } };
  await writeFileAtomically(resolve(path), serializeNotebook(updated, { savedBy: `Lossbook ${LOSSBOOK_VERSION}` }));
  io.stderr.write(`lossbook: added the comparison of run #${source.a.number} and #${source.b.number} to ${path} (${comparisons.length} comparison${comparisons.length === 1 ? '' : 's'} in it now; its report shows them: lossbook export ${path})\n`);
  return EXIT.ok;
}

export function runsCompareCommand(first: string, second: string, options: RunsStoreOption & { json?: boolean; html?: string; into?: string }, io: CommandIo): Promise<ExitCode> {
  if (options.json && options.html === '-') throw new UsageError('--json and --html - both write to stdout: give --html a file.');
  return withStore(options, io, async (store, path) => {
    const runs = requireStore(store, path);
    const a = runs.get(first);
    const b = runs.get(second);
    const seriesA = runs.series([a.id]);
    const seriesB = runs.series([b.id]);
    const comparison = compareRuns(a, b, seriesA, seriesB);
    // The notebook first: a refused one stops the command before it prints or writes anything else.
    if (options.into) {
      const added = await addComparisonToNotebook(options.into, { comparison, a, b, seriesA, seriesB }, io);
      if (added !== EXIT.ok) return added;
    }
    if (options.html) {
      await writeOutput(options.html, renderComparisonReport({ comparison, a, b, seriesA, seriesB }), io);
      if (options.html !== '-') io.stderr.write(`lossbook: wrote the comparison to ${options.html}\n`);
    }
    if (options.json) json(io, comparison);
    else if (options.html !== '-') io.stdout.write(`${formatComparison(comparison)}\n`);
    return EXIT.ok;
  });
}

/** RFC 4180: quote a field that holds a comma, quote or line break. */
function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function runsExportCommand(references: string[], options: RunsStoreOption & { csv?: boolean; filter?: string; metric?: string[]; smoothing?: string }, io: CommandIo): Promise<ExitCode> {
  if (!options.csv) throw new UsageError('runs export writes CSV: add --csv.');
  const smoothing = options.smoothing === undefined ? 0.6 : Number(options.smoothing);
  if (!(smoothing >= 0 && smoothing < 1)) throw new UsageError(`--smoothing takes a number from 0 up to (not including) 1 (got "${options.smoothing}").`);
  return withStore(options, io, (store, path) => {
    const runs = requireStore(store, path);
    const chosen: RunEntry[] = references.length ? references.map((reference) => runs.get(reference)) : filterRuns(runs.list(), options.filter ?? '');
    // What the charts plot: each point raw, and smoothed with the same debiased EMA.
    io.stdout.write('run,number,series,step,value,smoothed\n');
    for (const run of chosen) {
      for (const series of runs.series([run.id], options.metric)) {
        const smoothed = emaDebiased(series.values, smoothing);
        for (let index = 0; index < series.steps.length; index++) {
          io.stdout.write(`${[csvField(run.id), run.number, csvField(series.name), series.steps[index]!, csvField(series.values[index] ?? null), csvField(smoothed[index] ?? null)].join(',')}\n`);
        }
      }
    }
    return EXIT.ok;
  });
}

export function runsDeleteCommand(references: string[], options: RunsStoreOption & { notebook?: string; yes?: boolean }, io: CommandIo): Promise<ExitCode> {
  if (!references.length && !options.notebook) throw new UsageError('Say which runs to delete: their numbers or ids, or --notebook PATH for every run of a notebook.');
  return withStore(options, io, (store, path) => {
    const runs = requireStore(store, path);
    const ids = [...references.map((reference) => runs.resolve(reference)), ...(options.notebook ? runs.idsOfNotebook(resolve(options.notebook)) : [])];
    // Deleting every run of a notebook is the one bulk delete: it asks for --yes.
    if (options.notebook && !options.yes) {
      io.stderr.write(`lossbook: --notebook would delete ${ids.length} run(s) of ${resolve(options.notebook)} for good; add --yes to do it.\n`);
      return EXIT.usage;
    }
    const deleted = runs.delete(ids);
    io.stderr.write(`lossbook: deleted ${deleted} run(s) from ${path}${deleted ? `: ${ids.join(', ')}` : ''}\n`);
    return EXIT.ok;
  });
}

export function runsTagCommand(reference: string, tags: string[], options: RunsStoreOption & { remove?: string[] }, io: CommandIo): Promise<ExitCode> {
  return withStore(options, io, (store, path) => {
    const runs = requireStore(store, path);
    const id = runs.resolve(reference);
    const after = runs.tag(id, tags, options.remove ?? []);
    io.stdout.write(`${id}: ${after.length ? after.join(', ') : 'no tags'}\n`);
    return EXIT.ok;
  });
}

export function runsNoteCommand(reference: string, note: string, options: RunsStoreOption, io: CommandIo): Promise<ExitCode> {
  return withStore(options, io, (store, path) => {
    const runs = requireStore(store, path);
    const id = runs.resolve(reference);
    runs.setNote(id, note);
    io.stderr.write(`lossbook: note saved on ${id}\n`);
    return EXIT.ok;
  });
}
