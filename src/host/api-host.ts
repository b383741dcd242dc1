// The host side of LossbookApi: one object that Electron main (over IPC) and the browser-mode
// server (over a WebSocket) both call with untrusted, serialized ApiCalls. Every call is
// validated with ApiCallSchema (derived from the API table) before anything runs (design.md:
// never trust the renderer); `handlers` holds one implementation per entry of API_METHODS.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { ApiCallSchema, type ApiHandlers, type ExampleEntry, type OpenedNotebook, type UntitledRecoveryEntry } from '../shared/api';
import { Emitter } from '../shared/event';
import { DisposableStore } from '../shared/lifecycle';
import { NotebookSchema, type Notebook } from '../shared/notebook/model';
import { parsePercentScript } from '../shared/notebook/percent';
import type { Disposable, HostEvent } from '../shared/protocol';
import { LOSSBOOK_VERSION } from '../shared/version';
import { diskVersionOf, discardUntitledRecovery, findRecovery, isJupyterNotebook, listUntitledRecoveries, readUntitledRecovery, saveNotebookFile, writeRecoveryFile } from './files';
import { readNotebookFileIsolated } from './isolated-reader';
import type { KernelSupervisorApi } from './kernel-api';
import { listNotebookFolder } from './folder-listing';
import { renderReport } from './report';
import { RUNS_API_METHODS, type RunsHandlers } from '../shared/runs/api';
import type { RunsHost } from './runs/runs-host';

/** Native dialogs where they exist (Electron); browser mode has none and asks in the page. */
export interface ApiHostDialogs {
  chooseOpenPath?(): Promise<string | undefined>;
  chooseSavePath?(suggested?: string): Promise<string | undefined>;
}

/** The file operations ApiHost needs; src/host/files.ts and report.ts provide the real ones. */
export interface NotebookFileStore {
  readNotebookFile(path: string): Promise<Notebook>;
  saveNotebookFile(path: string, notebook: Notebook): Promise<unknown>;
  writeRecoveryFile(notebook: Notebook, path?: string, session?: string): Promise<unknown>;
  findRecovery(path: string): Promise<{ path: string; modified: string; notebook: Notebook } | undefined>;
  renderReport(notebook: Notebook): string | Promise<string>;
  /** Untitled autosaves (browser mode offers them back); absent where the shell has its own recovery. */
  listUntitledRecoveries?(excludeSessions?: Iterable<string>): Promise<UntitledRecoveryEntry[]>;
  readUntitledRecovery?(path: string): Promise<Notebook>;
  discardUntitledRecovery?(path: string): Promise<void>;
}

/**
 * The real file operations: atomic saves, recovery copies, the self-contained HTML report.
 * Notebooks are read in a worker thread (isolated-reader.ts), so a hostile file cannot take
 * down the process serving the page.
 */
export const diskFiles: NotebookFileStore = {
  readNotebookFile: (path) => readNotebookFileIsolated(path),
  saveNotebookFile,
  writeRecoveryFile,
  findRecovery: (path) => findRecovery(path, (recovery) => readNotebookFileIsolated(recovery)),
  renderReport,
  listUntitledRecoveries,
  readUntitledRecovery: (path) => readUntitledRecovery(path, readNotebookFileIsolated),
  discardUntitledRecovery,
};

export interface ApiHostOptions {
  supervisor: KernelSupervisorApi;
  /** Defaults to the real files on disk (src/host/files.ts, report.ts). */
  files?: NotebookFileStore;
  /** Folder of the examples gallery (examples/*.ts in the percent format). */
  examplesDir?: string;
  dialogs?: ApiHostDialogs;
  /** What `openNotebook()` without a path returns where no open dialog exists (browser mode's startup file). */
  defaultNotebookPath?: string;
  /** The folder browser mode's file browser shows, and never leaves (Jupyter's root_dir). */
  notebookRoot?: string;
  /** The run store (issue 20); without it the runs calls say there is none. */
  runs?: RunsHost;
  /**
   * The autosave sessions of pages open now (browser mode's server knows its connected pages):
   * their untitled autosaves are work in progress, never offered to another page.
   */
  liveSessions?(): Iterable<string>;
}

/** A call the user can act on failed; the message is written for the user and shown in the UI. */
export class ApiCallError extends Error {
  override readonly name = 'ApiCallError';
  constructor(
    message: string,
    readonly code: 'invalid-call' | 'invalid-notebook' | 'not-found' | 'io' | 'changed-on-disk',
  ) {
    super(message);
  }
}

export type { ExampleEntry };

export class ApiHost implements Disposable {
  private readonly disposables = new DisposableStore();
  private readonly events = this.disposables.add(new Emitter<HostEvent>());
  private disposed = false;
  private readonly files: NotebookFileStore;
  /** Host events (the supervisor's), for every page. */
  readonly onEvent = this.events.event;

  constructor(private readonly options: ApiHostOptions) {
    this.files = options.files ?? diskFiles;
    this.disposables.add(options.supervisor.onEvent((event) => this.events.fire(event)));
  }

  /** Validate and run one call. Rejects with ApiCallError for bad input or user-facing failures. */
  async handle(call: unknown): Promise<unknown> {
    if (this.disposed) throw new ApiCallError('Lossbook is shutting down.', 'io');
    const parsed = ApiCallSchema.safeParse(call);
    if (!parsed.success) throw new ApiCallError(`Rejected an invalid request: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'call'}: ${issue.message}`).join('; ')}`, 'invalid-call');
    // The schema paired method and params; TypeScript cannot follow that pairing through the lookup.
    const handler = this.handlers[parsed.data.method] as (params: unknown) => unknown;
    return handler('params' in parsed.data ? parsed.data.params : undefined);
  }

  /** One implementation per API method, given params the table's schema has validated. */
  private readonly handlers: ApiHandlers = {
    kernelInfo: () => {
      const { supervisor } = this.options;
      return { state: supervisor.state, backend: supervisor.backend, memory: supervisor.lastMemory, lossbookVersion: LOSSBOOK_VERSION };
    },
    execute: async (request) => {
      const { runId } = await this.options.supervisor.execute({ cellId: request.cellId, code: request.code, language: request.language });
      return { runId };
    },
    interrupt: async () => {
      await this.options.supervisor.interrupt();
    },
    restart: async () => {
      await this.options.supervisor.restart('restarted by the user');
    },
    freeMemory: async () => {
      await this.options.supervisor.freeMemory();
    },
    setBackend: async (request) => {
      await this.options.supervisor.setBackend(request);
    },
    openNotebook: (params) => this.openNotebook(params.path),
    saveNotebook: (params) => this.saveNotebook(validNotebook(params.notebook), params.path, params.expected, params.overwrite === true),
    autosave: async (params) => {
      const notebook = validNotebook(params.notebook);
      this.options.runs?.noteNotebook(params.path, notebook);
      const written = await this.files.writeRecoveryFile(notebook, params.path, params.session);
      return typeof written === 'string' ? { path: written } : undefined;
    },
    exportReport: (params) => this.exportReport(validNotebook(params.notebook), params.path),
    listExamples: () => this.listExamples(),
    listRecoveries: async (params) => {
      const excluded = [...(this.options.liveSessions?.() ?? []), ...(params.session === undefined ? [] : [params.session])];
      return (await this.files.listUntitledRecoveries?.(excluded)) ?? [];
    },
    openRecovery: async (params) => {
      if (!this.files.readUntitledRecovery) throw new ApiCallError('Restoring autosaves is done by the desktop app itself here.', 'invalid-call');
      return { notebook: await this.files.readUntitledRecovery(params.path) };
    },
    discardRecovery: async (params) => {
      await this.files.discardUntitledRecovery?.(params.path);
    },
    listFolder: (params) => {
      if (!this.options.notebookRoot) throw new ApiCallError('There is no notebook folder to browse here; use the Open dialog.', 'invalid-call');
      return listNotebookFolder(this.options.notebookRoot, params.path);
    },
    ...this.runsHandlers(),
  };

  /** The run store's methods, answered by RunsHost; where there is none, each says so. */
  private runsHandlers(): RunsHandlers {
    const runs = (): RunsHandlers => {
      if (!this.options.runs) throw new ApiCallError('Runs are not recorded here: there is no run store.', 'invalid-call');
      return this.options.runs.handlers;
    };
    const names = Object.keys(RUNS_API_METHODS) as Array<keyof RunsHandlers>;
    return Object.fromEntries(names.map((name) => [name, (params: never) => (runs()[name] as (params: never) => unknown)(params)])) as unknown as RunsHandlers;
  }

  private async openNotebook(requestedPath: string | undefined): Promise<OpenedNotebook | undefined> {
    let path = requestedPath;
    if (!path) path = this.options.dialogs?.chooseOpenPath ? await this.options.dialogs.chooseOpenPath() : this.options.defaultNotebookPath;
    if (!path) return undefined;
    const absolute = resolve(path);
    if (isScript(absolute) || isJupyterNotebook(absolute)) {
      // A percent script (an example, a plain tfjs script) or a Jupyter notebook opens as a new,
      // unsaved notebook: saving it must ask for a .lossbook path rather than overwrite the
      // original with another format.
      return { notebook: await this.files.readNotebookFile(absolute) };
    }
    // Before reading: a write during the read shows as a change at the next save, never as none.
    const diskVersion = await diskVersionOf(absolute);
    const notebook = await this.files.readNotebookFile(absolute);
    this.options.runs?.noteNotebook(absolute, notebook);
    const recovery = await this.files.findRecovery(absolute);
    return { path: absolute, notebook, ...(diskVersion ? { diskVersion } : {}), ...(recovery ? { recovery } : {}) };
  }

  /**
   * Save to `requestedPath` (or where the user chooses). `expected`: the file's version the page
   * opened or last saved; when the file on disk is another by now, nothing is written and the call
   * fails with 'changed-on-disk' unless `overwrite` (the user chose to replace it).
   */
  private async saveNotebook(notebook: Notebook, requestedPath: string | undefined, expected: string | undefined, overwrite: boolean): Promise<{ path: string; diskVersion?: string } | undefined> {
    let path = requestedPath;
    if (!path && this.options.dialogs?.chooseSavePath) path = await this.options.dialogs.chooseSavePath(`${notebook.metadata.title || 'Untitled'}.lossbook`);
    if (!path) return undefined;
    const absolute = resolve(path);
    if (isScript(absolute) || isJupyterNotebook(absolute)) {
      throw new ApiCallError('Notebooks are saved as .lossbook files; choose a name ending in .lossbook (for Jupyter, use `lossbook export --ipynb`).', 'invalid-call');
    }
    if (expected !== undefined && !overwrite) {
      const current = await diskVersionOf(absolute);
      if (current !== undefined && current !== expected) {
        throw new ApiCallError(`"${basename(absolute)}" changed on disk after it was opened or saved here (another program wrote it, such as \`lossbook runs compare --into\`, git or another window). Nothing was written.`, 'changed-on-disk');
      }
    }
    await this.files.saveNotebookFile(absolute, notebook);
    this.options.runs?.noteNotebook(absolute, notebook);
    const diskVersion = await diskVersionOf(absolute);
    return { path: absolute, ...(diskVersion ? { diskVersion } : {}) };
  }

  private async exportReport(notebook: Notebook, requestedPath: string | undefined): Promise<{ path?: string; html?: string } | undefined> {
    const html = await this.files.renderReport(notebook);
    let path = requestedPath;
    if (!path && this.options.dialogs?.chooseSavePath) {
      path = await this.options.dialogs.chooseSavePath(`${notebook.metadata.title || 'report'}.html`);
      if (!path) return undefined;
    }
    if (!path) return { html };
    const absolute = resolve(path);
    await writeFile(absolute, html, 'utf8');
    return { path: absolute };
  }

  async listExamples(): Promise<ExampleEntry[]> {
    const dir = this.options.examplesDir;
    if (!dir) return [];
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return [];
    }
    const entries: ExampleEntry[] = [];
    for (const name of names.sort()) {
      if (!/\.(ts|js)$/.test(name) || /\.(test|spec|d)\.(ts|js)$/.test(name)) continue;
      const path = join(dir, name);
      const script = parsePercentScript(await readFile(path, 'utf8'));
      // Gallery notebooks carry a `// @title:` header; helpers beside them (runners) do not.
      if (!script.title) continue;
      entries.push({ name: name.replace(/\.(ts|js)$/, ''), title: script.title ?? titleFromPath(path), path, expected: script.expected });
    }
    return entries;
  }

  dispose(): void {
    this.disposed = true;
    this.disposables.dispose();
  }
}

function validNotebook(value: unknown): Notebook {
  const parsed = NotebookSchema.safeParse(value);
  if (!parsed.success) throw new ApiCallError(`The notebook sent by the page is not valid: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`, 'invalid-notebook');
  return parsed.data;
}

function isScript(path: string): boolean {
  return /\.(ts|js|mts|mjs)$/.test(path);
}

function titleFromPath(path: string): string {
  return basename(path).replace(/\.[^.]+$/, '').replace(/[-_]+/g, ' ');
}
