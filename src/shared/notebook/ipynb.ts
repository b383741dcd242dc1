// Jupyter interop (issue 21): read .ipynb notebooks of JavaScript/TypeScript kernels (tslab,
// Deno, IJavascript) as Lossbook notebooks, and write a notebook back as nbformat 4.5.
// Reading treats the file as untrusted like a .lossbook: bounded size, JSON, then the zod schema
// below (the nbformat v4 schema's shape, lenient where Jupyter itself is: minors 4.0–4.5, cells
// without ids). Outputs are kept as static outputs (text, errors); rich ones (images, HTML,
// widgets) cannot be shown and are dropped. Pure TypeScript, like ./format.ts.
import { z } from 'zod';
import type { CellOutput } from './model';
import { createCell, createNotebook, newId, type Cell, type Notebook } from './model';
import { describeIssues, jsonTextDepth, MAX_JSON_DEPTH, MAX_NOTEBOOK_BYTES, NotebookFormatError } from './format';
import { formatBytes } from '../format-bytes';
import type { DisplayValue } from '../protocol';

// ───────────────────────────── the nbformat 4 document (zod) ─────────────────────────────

const MultilineStringSchema = z.union([z.string(), z.array(z.string())]);
const MimeBundleSchema = z.record(z.string(), z.unknown());

const StreamOutputSchema = z.object({ output_type: z.literal('stream'), name: z.string(), text: MultilineStringSchema });
const DataOutputSchema = z.object({
  output_type: z.enum(['display_data', 'execute_result']),
  data: MimeBundleSchema,
  metadata: z.record(z.string(), z.unknown()).optional(),
  execution_count: z.number().int().min(0).nullable().optional(),
});
const ErrorOutputSchema = z.object({ output_type: z.literal('error'), ename: z.string(), evalue: z.string(), traceback: z.array(z.string()) });
/** An output type from a future minor version: allowed by nbformat, skipped here. */
const OtherOutputSchema = z.object({ output_type: z.string() }).loose();
const OutputSchema = z.union([StreamOutputSchema, DataOutputSchema, ErrorOutputSchema, OtherOutputSchema]);

const CellMetadataSchema = z.record(z.string(), z.unknown());
const CellIdSchema = z.string().regex(/^[a-zA-Z0-9-_]+$/).min(1).max(64);

const IpynbCellSchema = z.object({
  id: CellIdSchema.optional(),
  cell_type: z.string(),
  metadata: CellMetadataSchema.default({}),
  source: MultilineStringSchema,
  outputs: z.array(OutputSchema).optional(),
  execution_count: z.number().int().min(0).nullable().optional(),
});

export const IpynbSchema = z.object({
  nbformat: z.literal(4),
  nbformat_minor: z.number().int().min(0),
  metadata: z
    .object({
      kernelspec: z.object({ name: z.string(), display_name: z.string(), language: z.string().optional() }).loose().optional(),
      language_info: z.object({ name: z.string() }).loose().optional(),
      title: z.string().optional(),
    })
    .loose(),
  cells: z.array(IpynbCellSchema),
});
export type Ipynb = z.infer<typeof IpynbSchema>;

type Language = NonNullable<Cell['language']>;

/** Kernel languages whose cells Lossbook runs; the kernelspec names of tslab, Deno and IJavascript. */
const LANGUAGES: Record<string, Language> = { typescript: 'typescript', ts: 'typescript', javascript: 'javascript', js: 'javascript', node: 'javascript' };

function joinSource(source: string | string[]): string {
  return Array.isArray(source) ? source.join('') : source;
}

/** nbformat's multiline string: lines that keep their "\n" (as Jupyter writes them). */
export function splitLines(text: string): string[] {
  if (!text) return [];
  const lines = text.split('\n').map((line) => `${line}\n`);
  const last = lines.length - 1;
  lines[last] = lines[last]!.slice(0, -1);
  return lines[last] === '' ? lines.slice(0, -1) : lines;
}

/** Terminal colour codes in tracebacks (IPython and tslab colour them) are noise in plain text. */
function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}

function notebookLanguage(document: Ipynb): Language {
  const declared = (document.metadata.kernelspec?.language ?? document.metadata.language_info?.name ?? 'typescript').toLowerCase();
  const language = LANGUAGES[declared];
  if (!language) {
    const kernel = document.metadata.kernelspec?.display_name ?? declared;
    throw new NotebookFormatError(
      'not-a-notebook',
      `This Jupyter notebook is written for a ${kernel} kernel (${declared}); Lossbook runs JavaScript and TypeScript notebooks (tslab, Deno, IJavascript).`,
    );
  }
  return language;
}

function importOutput(output: z.infer<typeof OutputSchema>): CellOutput | undefined {
  switch (output.output_type) {
    case 'stream': {
      const stream = output as z.infer<typeof StreamOutputSchema>;
      return { type: 'stream', name: stream.name === 'stderr' ? 'stderr' : 'stdout', text: joinSource(stream.text) };
    }
    case 'display_data':
    case 'execute_result': {
      const { data } = output as z.infer<typeof DataOutputSchema>;
      const json = data['application/json'];
      if (json !== undefined) return { type: 'display', value: { kind: 'json', json } };
      const plain = data['text/plain'];
      if (typeof plain === 'string' || Array.isArray(plain)) return { type: 'display', value: { kind: 'text', text: joinSource(plain as string | string[]) } };
      return undefined;
    }
    case 'error': {
      const error = output as z.infer<typeof ErrorOutputSchema>;
      const stack = error.traceback.map(stripAnsi).join('\n');
      return { type: 'error', error: { name: error.ename, message: error.evalue, ...(stack ? { stack } : {}), phase: 'runtime' } };
    }
    default:
      return undefined;
  }
}

/**
 * Read .ipynb text into a notebook. Code and markdown cells are kept (raw cells become markdown
 * so their text is not lost); outputs stay as static outputs. Throws NotebookFormatError with a
 * message for the user; nothing partial is returned.
 */
export function parseIpynb(text: string, fallbackTitle = 'Untitled', lossbookVersion = '0.0.0'): Notebook {
  if (text.length > MAX_NOTEBOOK_BYTES) {
    throw new NotebookFormatError('too-large', `The file is ${formatBytes(text.length)}; Lossbook opens notebooks up to ${formatBytes(MAX_NOTEBOOK_BYTES)}.`);
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // The same depth bound as .lossbook files (issue 17): output data is free-form JSON, and a
  // 10,000-deep value would overflow the stack of whatever walks it later (zod, the report).
  if (jsonTextDepth(body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new NotebookFormatError('too-deep', `The file nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep; no notebook does, so it is refused.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (error) {
    throw new NotebookFormatError('not-json', `The Jupyter notebook is not valid JSON: ${(error as Error).message}.`);
  }
  const format = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).nbformat : undefined;
  if (format === undefined) throw new NotebookFormatError('not-a-notebook', 'The file is JSON but not a Jupyter notebook (it has no "nbformat" field).');
  if (format !== 4) {
    throw new NotebookFormatError(format === 3 || format === 2 || format === 1 ? 'unknown-version' : 'newer-version', `The Jupyter notebook is nbformat ${JSON.stringify(format)}; Lossbook reads nbformat 4 (convert it with \`jupyter nbconvert --to notebook\`).`);
  }
  const parsed = IpynbSchema.safeParse(raw);
  if (!parsed.success) throw new NotebookFormatError('invalid', `The Jupyter notebook is damaged or not nbformat 4: ${describeIssues(parsed.error)}`);
  const document = parsed.data;
  const language = notebookLanguage(document);
  const notebook = createNotebook(document.metadata.title?.trim() || fallbackTitle, lossbookVersion);
  const seen = new Set<string>();
  notebook.cells = [];
  for (const cell of document.cells) {
    const kind = cell.cell_type === 'code' ? 'code' : cell.cell_type === 'markdown' || cell.cell_type === 'raw' ? 'markdown' : undefined;
    if (!kind) continue;
    const imported = createCell(kind, joinSource(cell.source));
    // Jupyter's ids are kept (they link the cells back), unless missing or repeated.
    imported.id = cell.id && !seen.has(cell.id) ? cell.id : newId('cell');
    seen.add(imported.id);
    if (kind === 'code') {
      const cellLanguage = (cell.metadata.lossbook as { language?: unknown } | undefined)?.language;
      imported.language = cellLanguage === 'javascript' || cellLanguage === 'typescript' ? cellLanguage : language;
      imported.executionCount = cell.execution_count ?? null;
      imported.outputs = (cell.outputs ?? []).map(importOutput).filter((output): output is CellOutput => output !== undefined);
      const jupyter = cell.metadata.jupyter as { outputs_hidden?: unknown } | undefined;
      if (jupyter?.outputs_hidden === true || cell.metadata.collapsed === true) imported.collapsed = true;
    }
    notebook.cells.push(imported);
  }
  if (!notebook.cells.length) notebook.cells.push(createCell('code'));
  return notebook;
}

// ───────────────────────────── writing nbformat 4.5 ─────────────────────────────

function displayBundle(value: DisplayValue): Record<string, unknown> {
  switch (value.kind) {
    case 'text':
      return { 'text/plain': splitLines(value.text) };
    case 'json':
      return { 'application/json': value.json ?? null, 'text/plain': splitLines(JSON.stringify(value.json, null, 2) ?? 'undefined') };
    case 'tensor':
    case 'model':
      return { 'text/plain': splitLines(value.text) };
    case 'table':
      return { 'text/plain': splitLines([value.columns.join('\t'), ...value.rows.map((row) => row.map((cell) => (cell === null ? '' : String(cell))).join('\t'))].join('\n')) };
    case 'html':
      return { 'text/html': splitLines(value.html), 'text/plain': ['(HTML output)'] };
  }
}

function exportOutput(output: CellOutput): Record<string, unknown> {
  switch (output.type) {
    case 'stream':
      return { output_type: 'stream', name: output.name, text: splitLines(output.text) };
    case 'display':
      return { output_type: 'display_data', data: displayBundle(output.value), metadata: {} };
    case 'error':
      return { output_type: 'error', ename: output.error.name, evalue: output.error.message, traceback: (output.error.stack ?? `${output.error.name}: ${output.error.message}`).split('\n') };
  }
}

/** A Jupyter cell id (nbformat 4.5: 1–64 of [A-Za-z0-9-_], unique). */
function jupyterId(id: string, seen: Set<string>): string {
  let candidate = id.replace(/[^A-Za-z0-9-_]/g, '-').slice(0, 64) || 'cell';
  while (seen.has(candidate)) candidate = newId('cell').slice(0, 64);
  seen.add(candidate);
  return candidate;
}

/**
 * The notebook as an nbformat 4.5 document for a TypeScript (tslab) or JavaScript (jslab)
 * kernel: cells, sources, execution counts and text outputs. Charts and findings have no
 * nbformat equivalent; each cell's findings are summarised in its `metadata.lossbook`.
 */
export function toIpynb(notebook: Notebook): Record<string, unknown> {
  const codeCells = notebook.cells.filter((cell) => cell.kind === 'code');
  const language: Language = codeCells.length > 0 && codeCells.every((cell) => cell.language === 'javascript') ? 'javascript' : 'typescript';
  const seen = new Set<string>();
  const cells = notebook.cells.map((cell) => {
    const id = jupyterId(cell.id, seen);
    if (cell.kind === 'markdown') return { id, cell_type: 'markdown', metadata: {}, source: splitLines(cell.source) };
    const findings = cell.runs.at(-1)?.findings ?? [];
    const lossbook = {
      ...((cell.language ?? 'typescript') !== language ? { language: cell.language ?? 'typescript' } : {}),
      ...(findings.length ? { findings: findings.map((finding) => ({ id: finding.id, severity: finding.severity, title: finding.title, evidence: finding.evidence.summary })) } : {}),
    };
    return {
      id,
      cell_type: 'code',
      metadata: { ...(cell.collapsed ? { jupyter: { outputs_hidden: true } } : {}), ...(Object.keys(lossbook).length ? { lossbook } : {}) },
      source: splitLines(cell.source),
      outputs: cell.outputs.map(exportOutput),
      execution_count: typeof cell.executionCount === 'number' && Number.isInteger(cell.executionCount) && cell.executionCount >= 0 ? cell.executionCount : null,
    };
  });
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: language === 'typescript' ? { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } : { name: 'jslab', display_name: 'JavaScript', language: 'javascript' },
      language_info: language === 'typescript' ? { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' } : { name: 'javascript', file_extension: '.js', mimetype: 'text/javascript' },
      title: notebook.metadata.title,
      lossbook: { version: notebook.metadata.lossbookVersion, created: notebook.metadata.created, modified: notebook.metadata.modified },
    },
    cells,
  };
}

/** .ipynb text as Jupyter writes it (one-space indent, trailing newline). */
export function serializeIpynb(notebook: Notebook): string {
  return JSON.stringify(toIpynb(notebook), null, 1) + '\n';
}
