// The notebook store: the open document, the kernel's state and the runs of each cell. Kernel
// events are folded into RunRecords with the shared applyRunEvent (one reducer for the UI, the
// CLI and files). RunRecords are kept raw (markRaw): a million-point series must not become a
// million reactive proxies; components re-read them when the cell's revision counter moves.
import { defineStore } from 'pinia';
import { markRaw, reactive, ref, shallowRef, computed } from 'vue';
import type { FolderListing, KernelInfo, LossbookApi, OpenedNotebook } from '../../../shared/api';
import { rememberRecentFile } from '../recent-files';
import { StaleTracker } from './staleness';
import { createDocumentSafety } from './document-safety';
import { createCell, createNotebook, NotebookSchema, type Cell, type Notebook, type RunRecord } from '../../../shared/notebook/model';
import { applyRunEvent, createRunRecord } from '../../../shared/notebook/run-reducer';
import type { BackendInfo, BackendRequest, HostEvent, KernelState, MemorySnapshot, RunMemory } from '../../../shared/protocol';
import { LOSSBOOK_VERSION } from '../../../shared/version';
import { formatBytes } from '../../../shared/format-bytes';

/** Runs kept per cell in the open notebook: the latest and the previous one it is compared with. */
const RUNS_KEPT = 2;

export type CellRunState = 'idle' | 'queued' | 'running';
export type Mode = 'command' | 'edit';

export interface Notice {
  id: number;
  kind: 'info' | 'success' | 'warning' | 'error';
  text: string;
  detail?: string;
  /** One button on the notice (Undo after clearing outputs). */
  action?: { label: string; run(): void };
}

/** One step Z / Ctrl+Z takes back: a deleted cell, cleared outputs. */
interface UndoEntry {
  label: string;
  undo(): void;
}

/** Undo steps kept per document: enough for a session of edits, bounded in memory. */
const UNDO_KEPT = 50;
/** Autosave cadence; only edits since the last autosave are written, so a quiet notebook costs nothing. */
export const AUTOSAVE_INTERVAL_MS = 5_000;

export interface KernelExit {
  reason: string;
  lostState: string;
  expected: boolean;
}

export interface PathRequest {
  title: string;
  label: string;
  value: string;
  /** Open picks an existing file; Save names one (the file browser fills the folder). */
  mode: 'open' | 'save';
  resolve(value: string | undefined): void;
}

let noticeCounter = 0;

/** The name a document goes by: its file's name, or its title while it has no file. */
export function documentName(path: string | undefined, title: string): string {
  const file = path?.split(/[\\/]/).pop()?.replace(/\.(lossbook|ipynb|json)$/i, '');
  return file || title.trim() || 'Untitled';
}

export const useNotebookStore = defineStore('notebook', () => {
  let api: LossbookApi | undefined;
  const notebook = ref<Notebook>(createNotebook('Untitled', LOSSBOOK_VERSION));
  const path = ref<string | undefined>();
  const dirty = ref(false);
  const activeCellId = ref<string | undefined>();
  const mode = ref<Mode>('command');
  const editingMarkdown = reactive(new Set<string>());
  const cellRunState = reactive(new Map<string, CellRunState>());
  /** Bumped on every run event of a cell: charts and panels re-read the raw RunRecords then. */
  const revisions = reactive(new Map<string, number>());
  const kernel = reactive<{ state: KernelState; backend?: BackendInfo; memory?: MemorySnapshot; baseline?: MemorySnapshot; exit?: KernelExit; connected: boolean }>({
    state: 'starting',
    connected: true,
  });
  const lastRunMemory = shallowRef<RunMemory | undefined>();
  const examples = ref<Array<{ name: string; title: string; path: string; expected: string[] }>>([]);
  const notices = ref<Notice[]>([]);
  const undoStack: UndoEntry[] = [];
  const staleness = new StaleTracker();
  const queue: string[] = [];
  const runToCell = new Map<string, string>();
  const runWaiters = new Map<string, (status: string) => void>();
  const pathRequest = shallowRef<PathRequest | undefined>();
  /** The diagnosis catalog dialog, when open, and the rule it was opened at. */
  const catalog = ref<{ ruleId?: string } | undefined>();
  /** The command palette (Ctrl+Shift+P) or the shortcut sheet (H), when open. */
  const palette = ref<'commands' | 'shortcuts' | undefined>();
  const recoveryOffer = shallowRef<OpenedNotebook['recovery'] | undefined>();

  const cells = computed(() => notebook.value.cells);
  const activeIndex = computed(() => cells.value.findIndex((cell) => cell.id === activeCellId.value));
  const busy = computed(() => kernel.state === 'busy' || kernel.state === 'interrupting' || queue.length > 0 || [...cellRunState.values()].some((s) => s !== 'idle'));
  const name = computed(() => documentName(path.value, notebook.value.metadata.title));
  const safety = createDocumentSafety({ api: () => api, dirty, path, name, busy, plainNotebook, save: () => save(), load, touch, notify });
  const outline = computed(() => {
    const headings: Array<{ cellId: string; level: number; text: string }> = [];
    for (const cell of cells.value) {
      if (cell.kind !== 'markdown') continue;
      for (const line of cell.source.split('\n')) {
        const match = /^(#{1,4})\s+(.+?)\s*#*$/.exec(line);
        if (match) headings.push({ cellId: cell.id, level: match[1]!.length, text: match[2]! });
      }
    }
    return headings;
  });

  function notify(kind: Notice['kind'], text: string, detail?: string, action?: Notice['action']): void {
    const notice: Notice = { id: ++noticeCounter, kind, text, detail, ...(action ? { action } : {}) };
    notices.value = [...notices.value.slice(-3), notice];
    setTimeout(() => dismissNotice(notice.id), kind === 'error' || action ? 12_000 : 5_000);
  }
  function dismissNotice(id: number): void {
    notices.value = notices.value.filter((notice) => notice.id !== id);
  }

  function touch(): void {
    dirty.value = true;
    safety.edited();
    notebook.value.metadata.modified = new Date().toISOString();
  }

  function bump(cellId: string): void {
    revisions.set(cellId, (revisions.get(cellId) ?? 0) + 1);
  }

  function cellById(id: string): Cell | undefined {
    return notebook.value.cells.find((cell) => cell.id === id);
  }

  function latestRun(cell: Cell): RunRecord | undefined {
    return cell.runs[cell.runs.length - 1];
  }

  // ───────────── connection and events ─────────────

  async function connect(transport: LossbookApi): Promise<void> {
    api = transport;
    api.onEvent((event) => handleEvent(event));
    const maybeConnection = transport as LossbookApi & { onConnection?(listener: (connected: boolean) => void): unknown };
    maybeConnection.onConnection?.((connected) => {
      kernel.connected = connected;
      if (!connected) notify('error', 'Disconnected from Lossbook.', 'The server stopped or the connection dropped. Restart `lossbook serve` and reload the page.');
    });
    try {
      applyKernelInfo(await api.kernelInfo());
    } catch (error) {
      notify('error', 'Could not reach the Lossbook host.', (error as Error).message);
    }
    void api.listExamples().then((list) => (examples.value = list), () => undefined);
  }

  function applyKernelInfo(info: KernelInfo): void {
    kernel.state = info.state;
    if (info.backend) kernel.backend = info.backend;
    if (info.memory) {
      kernel.memory = info.memory;
      kernel.baseline ??= info.memory;
    }
  }

  function handleEvent(event: HostEvent): void {
    switch (event.type) {
      case 'kernel-state':
        kernel.state = event.state;
        if (event.state === 'idle' || event.state === 'busy') kernel.exit = undefined;
        return;
      case 'kernel-exit':
        kernel.exit = { reason: event.reason, lostState: event.lostState, expected: event.expected };
        staleness.kernelRestarted();
        if (!event.expected) notify('error', `The kernel stopped: ${event.reason}`, event.lostState ? `Lost: ${event.lostState}` : undefined);
        queue.length = 0;
        for (const [cellId, state] of cellRunState) if (state === 'queued') cellRunState.set(cellId, 'idle');
        return;
      case 'ready':
        kernel.backend = event.backend;
        kernel.memory = event.memory;
        kernel.baseline = event.memory;
        notebook.value.metadata.lastBackend = event.backend;
        return;
      case 'memory':
        kernel.memory = event.memory;
        if (event.runId) bumpRun(event.runId);
        return;
      case 'memory-freed': {
        kernel.memory = event.after;
        const tensors = Math.max(0, event.before.numTensors - event.after.numTensors);
        const pooled = event.before.gpu?.pooledBytes !== undefined && event.after.gpu?.pooledBytes !== undefined ? event.before.gpu.pooledBytes - event.after.gpu.pooledBytes : undefined;
        notify(
          'success',
          `Freed memory: ${tensors} tensor${tensors === 1 ? '' : 's'} (${formatBytes(Math.max(0, event.before.numBytes - event.after.numBytes))})` +
            (pooled !== undefined ? `, ${formatBytes(Math.max(0, pooled))} of pooled GPU buffers released.` : '.'),
          pooled === undefined ? 'This backend keeps no GPU buffer pool; tensors the namespace still holds stay.' : undefined,
        );
        return;
      }
      case 'log':
        if (event.level === 'error' || event.level === 'warn') notify(event.level === 'error' ? 'error' : 'warning', event.message);
        return;
      case 'run-started': {
        const cell = cellById(event.cellId);
        runToCell.set(event.runId, event.cellId);
        if (!cell) return;
        const run = markRaw(createRunRecord(event.runId, event.cellId, event.executionCount, event.time));
        if (kernel.backend) run.backend = kernel.backend;
        cell.runs = [...cell.runs.slice(-(RUNS_KEPT - 1)), run].map((record) => markRaw(record));
        cell.outputs = [];
        cell.executionCount = event.executionCount;
        staleness.ran(cell.id, cell.source);
        cellRunState.set(cell.id, 'running');
        bump(cell.id);
        return;
      }
      default:
        if ('runId' in event && event.runId) applyToRun(event.runId, event);
    }
  }

  function bumpRun(runId: string): void {
    const cellId = runToCell.get(runId);
    if (cellId) bump(cellId);
  }

  function applyToRun(runId: string, event: HostEvent): void {
    const cellId = runToCell.get(runId);
    const cell = cellId ? cellById(cellId) : undefined;
    if (!cell) return;
    const run = cell.runs.find((record) => record.runId === runId);
    if (!run) return;
    applyRunEvent(run, cell.outputs, event);
    if (event.type === 'run-finished') {
      lastRunMemory.value = event.memory;
      kernel.memory = event.memory.after;
      cellRunState.set(cell.id, 'idle');
      dirty.value = true;
      safety.edited();
      runWaiters.get(runId)?.(event.status);
      runWaiters.delete(runId);
    }
    bump(cell.id);
  }

  // ───────────── running cells ─────────────

  /** Queue cells to run one after another; a failing cell stops the rest (as Jupyter does). */
  function runCells(ids: string[]): void {
    for (const id of ids) {
      const cell = cellById(id);
      if (!cell) continue;
      if (cell.kind === 'markdown') {
        editingMarkdown.delete(id);
        continue;
      }
      if (queue.includes(id) || cellRunState.get(id) === 'running') continue;
      // An empty cell has nothing to run: it must not take an execution count (Jupyter's habit).
      if (!cell.source.trim()) continue;
      queue.push(id);
      cellRunState.set(id, 'queued');
    }
    void drain();
  }

  let draining = false;
  async function drain(): Promise<void> {
    if (draining || !api) return;
    draining = true;
    try {
      while (queue.length) {
        const id = queue.shift()!;
        const cell = cellById(id);
        if (!cell) continue;
        cellRunState.set(id, 'running');
        let status: string;
        try {
          const { runId } = await api.execute({ cellId: id, code: cell.source, language: cell.language ?? 'typescript' });
          runToCell.set(runId, id);
          const run = cell.runs.find((record) => record.runId === runId);
          status = run && run.status !== 'running' ? run.status : await new Promise<string>((resolve) => runWaiters.set(runId, resolve));
        } catch (error) {
          notify('error', 'Could not run the cell.', (error as Error).message);
          status = 'error';
        }
        cellRunState.set(id, 'idle');
        if (status !== 'ok') {
          for (const queued of queue) cellRunState.set(queued, 'idle');
          queue.length = 0;
        }
      }
    } finally {
      draining = false;
    }
  }

  function runActive(advance: 'stay' | 'next' | 'insert'): void {
    const index = activeIndex.value;
    const cell = cells.value[index];
    if (!cell) return;
    runCells([cell.id]);
    if (advance === 'insert') insertCell(index + 1, 'code');
    else if (advance === 'next') {
      if (index + 1 >= cells.value.length) insertCell(index + 1, 'code');
      else select(cells.value[index + 1]!.id, 'command');
    }
  }

  const runAll = () => runCells(cells.value.map((cell) => cell.id));
  const runAbove = () => runCells(cells.value.slice(0, Math.max(0, activeIndex.value)).map((cell) => cell.id));
  const runBelow = () => runCells(cells.value.slice(Math.max(0, activeIndex.value)).map((cell) => cell.id));

  async function interrupt(): Promise<void> {
    for (const queued of queue) cellRunState.set(queued, 'idle');
    queue.length = 0;
    try {
      await api?.interrupt();
    } catch (error) {
      notify('error', 'Interrupt failed.', (error as Error).message);
    }
  }

  async function restart(): Promise<void> {
    for (const queued of queue) cellRunState.set(queued, 'idle');
    queue.length = 0;
    // Asked before (restart-confirm.ts) and said after: what the old namespace held is gone.
    const ran = staleness.ranSinceRestart();
    const memory = kernel.memory;
    const lost = memory ? `${memory.numTensors} tensor${memory.numTensors === 1 ? '' : 's'} (${formatBytes(memory.numBytes)})` : 'its tensors';
    try {
      await api?.restart();
      staleness.kernelRestarted();
      notify('info', `Kernel restarted: lost ${lost} and the variables of ${ran} cell${ran === 1 ? '' : 's'} that ran.`, 'Outputs stay, marked stale; re-run the cells you need.');
      if (api) applyKernelInfo(await api.kernelInfo());
    } catch (error) {
      notify('error', 'Restart failed.', (error as Error).message);
    }
  }

  async function freeMemory(): Promise<void> {
    try {
      await api?.freeMemory();
      if (api) applyKernelInfo(await api.kernelInfo());
    } catch (error) {
      notify('error', 'Could not free memory.', (error as Error).message);
    }
  }

  /** Force a backend (or 'auto'); the kernel restarts on it and reports why faster ones were skipped. */
  async function setBackend(request: BackendRequest): Promise<void> {
    try {
      await api?.setBackend(request);
      notebook.value.metadata.backend = request;
      touch();
      if (api) applyKernelInfo(await api.kernelInfo());
    } catch (error) {
      notify('error', `Could not switch to the ${request} backend.`, (error as Error).message);
    }
  }

  // ───────────── editing ─────────────

  function select(id: string | undefined, nextMode: Mode = mode.value): void {
    activeCellId.value = id;
    mode.value = nextMode;
  }

  function insertCell(index: number, kind: Cell['kind'], source = ''): Cell {
    const cell = createCell(kind, source);
    notebook.value.cells.splice(Math.max(0, Math.min(index, notebook.value.cells.length)), 0, cell);
    if (kind === 'markdown' && !source) editingMarkdown.add(cell.id);
    select(cell.id, source ? 'command' : 'edit');
    touch();
    return cell;
  }

  function deleteCell(id: string): void {
    const index = cells.value.findIndex((cell) => cell.id === id);
    if (index < 0) return;
    const [cell] = notebook.value.cells.splice(index, 1);
    if (cell) {
      pushUndo({
        label: 'delete cell',
        undo: () => {
          notebook.value.cells.splice(Math.min(index, notebook.value.cells.length), 0, cell);
          select(cell.id, 'command');
        },
      });
    }
    if (!notebook.value.cells.length) notebook.value.cells.push(createCell('code'));
    select(cells.value[Math.min(index, cells.value.length - 1)]?.id, 'command');
    touch();
  }

  function pushUndo(entry: UndoEntry): void {
    undoStack.push(entry);
    if (undoStack.length > UNDO_KEPT) undoStack.shift();
  }

  /** Take back the last deleted cell or cleared outputs (Z / Ctrl+Z in command mode). */
  function undo(): boolean {
    const last = undoStack.pop();
    if (!last) return false;
    last.undo();
    touch();
    return true;
  }

  function setKind(id: string, kind: Cell['kind']): void {
    const cell = cellById(id);
    if (!cell || cell.kind === kind) return;
    cell.kind = kind;
    cell.language = kind === 'code' ? 'typescript' : undefined;
    if (kind === 'markdown') {
      cell.outputs = [];
      cell.executionCount = null;
    }
    touch();
  }

  function updateSource(id: string, source: string): void {
    const cell = cellById(id);
    if (!cell || cell.source === source) return;
    cell.source = source;
    staleness.edited(id);
    touch();
  }

  function moveCell(id: string, toIndex: number): void {
    const from = cells.value.findIndex((cell) => cell.id === id);
    if (from < 0) return;
    const [cell] = notebook.value.cells.splice(from, 1);
    notebook.value.cells.splice(Math.max(0, Math.min(toIndex, notebook.value.cells.length)), 0, cell!);
    touch();
  }

  /** Alt+↑ / Alt+↓: move the selected cell one place, keeping it selected. */
  function moveActive(offset: -1 | 1): void {
    const index = activeIndex.value;
    const cell = cells.value[index];
    const target = index + offset;
    if (!cell || target < 0 || target >= cells.value.length) return;
    moveCell(cell.id, target);
    select(cell.id, 'command');
  }

  function selectRelative(offset: number): void {
    const index = activeIndex.value < 0 ? 0 : activeIndex.value + offset;
    const cell = cells.value[Math.max(0, Math.min(index, cells.value.length - 1))];
    if (cell) select(cell.id, 'command');
  }

  function toggleCollapsed(id: string): void {
    const cell = cellById(id);
    if (cell) cell.collapsed = !cell.collapsed;
  }

  /**
   * Clear outputs, runs (charts, findings) and counters — of every cell, or of `ids`. Undoable:
   * a whole notebook of training runs must not be one misclick away from gone (issue 21).
   */
  function clearOutputs(ids?: string[]): void {
    const cleared: Array<{ cell: Cell; outputs: Cell['outputs']; runs: Cell['runs']; executionCount: Cell['executionCount'] }> = [];
    for (const cell of cells.value) {
      if (ids && !ids.includes(cell.id)) continue;
      if (!cell.outputs.length && !cell.runs.length && cell.executionCount == null) continue;
      cleared.push({ cell, outputs: cell.outputs, runs: cell.runs, executionCount: cell.executionCount });
      cell.outputs = [];
      cell.runs = [];
      cell.executionCount = null;
      bump(cell.id);
    }
    if (!cleared.length) return;
    pushUndo({
      label: 'clear outputs',
      undo: () => {
        for (const entry of cleared) {
          entry.cell.outputs = entry.outputs;
          entry.cell.runs = entry.runs;
          entry.cell.executionCount = entry.executionCount;
          bump(entry.cell.id);
        }
      },
    });
    touch();
    if (!ids) {
      notify('info', `Cleared the outputs of ${cleared.length} cell${cleared.length === 1 ? '' : 's'}.`, 'Charts, findings and runs too. Z or Ctrl+Z (command mode) brings them back.', {
        label: 'Undo',
        run: () => void undo(),
      });
    }
  }

  function dismissFinding(cellId: string, key: string): void {
    const cell = cellById(cellId);
    if (!cell || cell.dismissed.includes(key)) return;
    cell.dismissed.push(key);
    touch();
  }

  function restoreFindings(cellId: string): void {
    const cell = cellById(cellId);
    if (!cell) return;
    cell.dismissed = [];
    touch();
  }

  function insertFix(cellId: string, code: string, title: string): void {
    const index = cells.value.findIndex((cell) => cell.id === cellId);
    const cell = insertCell(index + 1, 'code', `// Fix: ${title}\n${code.trimEnd()}`);
    select(cell.id, 'command');
  }

  // ───────────── files ─────────────

  /** A JSON copy: reactive proxies cannot cross IPC, and the host validates plain data. */
  function plainNotebook(): Notebook {
    return JSON.parse(JSON.stringify(notebook.value)) as Notebook;
  }

  function load(opened: OpenedNotebook): void {
    const parsed = NotebookSchema.parse(opened.notebook);
    for (const cell of parsed.cells) cell.runs = cell.runs.slice(-RUNS_KEPT).map((run) => markRaw(run));
    notebook.value = parsed;
    path.value = opened.path;
    dirty.value = false;
    // Undo steps and run marks belong to the document they were taken in.
    undoStack.length = 0;
    staleness.reset();
    editingMarkdown.clear();
    cellRunState.clear();
    revisions.clear();
    select(parsed.cells[0]?.id, 'command');
    recoveryOffer.value = opened.recovery;
  }

  function askPath(title: string, label: string, value: string, requestMode: PathRequest['mode']): Promise<string | undefined> {
    return new Promise((resolve) => {
      pathRequest.value = {
        title,
        label,
        value,
        mode: requestMode,
        resolve: (answer) => {
          pathRequest.value = undefined;
          resolve(answer?.trim() || undefined);
        },
      };
    });
  }

  async function openNotebook(requested?: string, action = 'open another notebook'): Promise<void> {
    if (!api) return;
    if (!(await safety.confirmReplace(action))) return;
    let target = requested;
    if (!target && api.transport === 'browser') {
      target = await askPath('Open notebook', 'A .lossbook or .ipynb notebook (or a // %% script) on the machine Lossbook runs on', path.value ?? '', 'open');
      if (!target) return;
    }
    try {
      const opened = await api.openNotebook(target);
      if (opened) {
        load(opened);
        if (opened.path && api.transport === 'browser') rememberRecentFile(opened.path);
      }
    } catch (error) {
      notify('error', 'Could not open the notebook.', (error as Error).message);
    }
  }

  async function openExample(examplePath: string): Promise<void> {
    await openNotebook(examplePath, 'open the example');
  }

  async function newNotebook(): Promise<void> {
    if (!(await safety.confirmReplace('start a new notebook'))) return;
    load({ notebook: createNotebook('Untitled', LOSSBOOK_VERSION) });
    select(notebook.value.cells[0]?.id, 'edit');
  }

  async function save(saveAs = false): Promise<boolean> {
    if (!api) return false;
    let target = saveAs ? undefined : path.value;
    if (!target && api.transport === 'browser') {
      target = await askPath('Save notebook', 'Save as (a name or path ending in .lossbook)', `${name.value.replace(/[^\w.-]+/g, '-') || 'untitled'}.lossbook`, 'save');
      if (!target) return false;
    }
    try {
      const saved = await api.saveNotebook(plainNotebook(), target);
      if (!saved) return false;
      const wasUntitled = !path.value;
      path.value = saved.path;
      if (api.transport === 'browser') rememberRecentFile(saved.path);
      dirty.value = false;
      // Save As names the document: an untitled notebook takes its file's name as its title.
      if (!notebook.value.metadata.title.trim() || notebook.value.metadata.title === 'Untitled') notebook.value.metadata.title = documentName(saved.path, '');
      if (wasUntitled) await safety.dropOwnAutosave();
      notify('success', `Saved ${saved.path}`);
      return true;
    } catch (error) {
      notify('error', 'Could not save the notebook.', (error as Error).message);
      return false;
    }
  }

  async function exportReport(): Promise<void> {
    if (!api) return;
    try {
      const exported = await api.exportReport(plainNotebook());
      if (exported?.path) notify('success', `Report written to ${exported.path}`);
      else if (exported?.html) {
        const url = URL.createObjectURL(new Blob([exported.html], { type: 'text/html' }));
        const link = document.createElement('a');
        link.href = url;
        link.download = `${name.value.replace(/[^\w.-]+/g, '-') || 'lossbook'}-report.html`;
        link.click();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
        notify('success', 'Report downloaded.');
      }
    } catch (error) {
      notify('error', 'Could not export the report.', (error as Error).message);
    }
  }

  function acceptRecovery(): void {
    const offer = recoveryOffer.value;
    if (!offer) return;
    const keepPath = path.value;
    load({ notebook: offer.notebook, path: keepPath });
    dirty.value = true;
  }

  /** Browser mode's file browser; undefined where the transport has native dialogs instead. */
  function listFolder(folder?: string): Promise<FolderListing> | undefined {
    return api?.listFolder?.(folder);
  }

  /** Why a cell's outputs are stale (see staleness.ts), or undefined. */
  function staleReason(cell: Cell): string | undefined {
    const index = cells.value.indexOf(cell);
    return staleness.reason(cell, cells.value.slice(0, Math.max(0, index)));
  }

  function showPalette(kind: 'commands' | 'shortcuts' | undefined): void {
    palette.value = kind;
  }

  function showCatalog(ruleId?: string): void {
    catalog.value = ruleId ? { ruleId } : {};
  }

  return {
    notebook, path, dirty, activeCellId, mode, editingMarkdown, cellRunState, revisions, kernel, lastRunMemory, examples, notices, pathRequest, recoveryOffer, catalog,
    unsavedPrompt: safety.unsavedPrompt, untitledRecoveries: safety.untitledRecoveries, name, palette, showPalette, moveActive,
    cells, activeIndex, busy, outline,
    connect, handleEvent, notify, dismissNotice, latestRun, cellById,
    runCells, runActive, runAll, runAbove, runBelow, interrupt, restart, freeMemory, setBackend,
    select, insertCell, deleteCell, undo, setKind, updateSource, moveCell, selectRelative, toggleCollapsed, clearOutputs,
    dismissFinding, restoreFindings, insertFix,
    openNotebook, openExample, newNotebook, save, autosave: safety.autosave, exportReport, acceptRecovery, load, showCatalog,
    confirmReplace: safety.confirmReplace, checkUntitledRecoveries: safety.checkUntitledRecoveries, restoreUntitled: safety.restoreUntitled, discardUntitled: safety.discardUntitled,
    listFolder, staleReason, pushUndo, cellsRunSinceRestart: () => staleness.ranSinceRestart(),
  };
});

/**
 * Whether the user dismissed this finding in this cell. cell.dismissed holds finding keys
 * (rule id + layer); a re-run rebuilds the model and tfjs numbers its layers anew
 * (dense_Dense2 → dense_Dense4), so keys are compared without the layer's trailing counter.
 */
export function isDismissed(dismissed: readonly string[], finding: { key: string }): boolean {
  const stable = (key: string) => key.replace(/\d+$/, '');
  const wanted = stable(finding.key);
  return dismissed.some((key) => key === finding.key || stable(key) === wanted);
}

export { formatBytes };
