// Documents and files: loading a notebook into the store, open / new / save / save as, the
// report export, crash recovery, and browser mode's path questions and file browser. Part of the
// notebook store (./notebook.ts); the unsaved-work questions and autosave are ./document-safety.ts.
import { markRaw, shallowRef } from 'vue';
import type { FolderListing, OpenedNotebook } from '../../../shared/api';
import { createNotebook, NotebookSchema, type Notebook } from '../../../shared/notebook/model';
import { LOSSBOOK_VERSION } from '../../../shared/version';
import { askOverwrite, isChangedOnDisk } from '../disk-conflict';
import { fileNameOf } from '../../../shared/file-name';
import { rememberRecentFile } from '../recent-files';
import type { createDocumentSafety } from './document-safety';
import { documentName, RUNS_KEPT, type NotebookContext, type PathRequest } from './notebook-context';
import type { NotebookEditing } from './notebook-editing';

export function createFiles(context: NotebookContext, editing: Pick<NotebookEditing, 'select' | 'forgetUndo'>, safety: () => ReturnType<typeof createDocumentSafety>) {
  const { notebook, path, dirty, name, notify } = context;
  const pathRequest = shallowRef<PathRequest | undefined>();
  const recoveryOffer = shallowRef<OpenedNotebook['recovery'] | undefined>();
  /** The file's version on disk as this page last read or wrote it (saveNotebook's `expected`). */
  let diskVersion: string | undefined;

  /** A JSON copy: reactive proxies cannot cross IPC, and the host validates plain data. */
  function plainNotebook(): Notebook {
    return JSON.parse(JSON.stringify(notebook.value)) as Notebook;
  }

  function load(opened: OpenedNotebook): void {
    const parsed = NotebookSchema.parse(opened.notebook);
    for (const cell of parsed.cells) cell.runs = cell.runs.slice(-RUNS_KEPT).map((run) => markRaw(run));
    // Saved comparisons (issue 20) are shown, never edited in place: raw like the runs.
    if (parsed.comparisons) parsed.comparisons = parsed.comparisons.map((snapshot) => markRaw(snapshot));
    notebook.value = parsed;
    path.value = opened.path;
    diskVersion = opened.diskVersion;
    dirty.value = false;
    // Undo steps and run marks belong to the document they were taken in.
    editing.forgetUndo();
    context.staleness.reset();
    context.editingMarkdown.clear();
    context.cellRunState.clear();
    context.revisions.clear();
    editing.select(parsed.cells[0]?.id, 'command');
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
    const api = context.api();
    if (!api) return;
    if (!(await safety().confirmReplace(action))) return;
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
    if (!(await safety().confirmReplace('start a new notebook'))) return;
    load({ notebook: createNotebook('Untitled', LOSSBOOK_VERSION) });
    editing.select(notebook.value.cells[0]?.id, 'edit');
  }

  async function save(saveAs = false): Promise<boolean> {
    const api = context.api();
    if (!api) return false;
    let target = saveAs ? undefined : path.value;
    if (!target && api.transport === 'browser') {
      target = await askPath('Save notebook', 'Save as (a name or path ending in .lossbook)', `${name.value.replace(/[^\w.-]+/g, '-') || 'untitled'}.lossbook`, 'save');
      if (!target) return false;
    }
    try {
      // Over the file this page opened: refused if another program wrote it since, unless the user says so.
      const expected = target !== undefined && target === path.value ? diskVersion : undefined;
      const payload = plainNotebook();
      let saved: Awaited<ReturnType<typeof api.saveNotebook>>;
      try {
        saved = await api.saveNotebook(payload, target, expected);
      } catch (error) {
        if (!isChangedOnDisk(error) || !(await askOverwrite(fileNameOf(target!)))) throw error;
        saved = await api.saveNotebook(payload, target, expected, true);
      }
      if (!saved) return false;
      diskVersion = saved.diskVersion;
      const wasUntitled = !path.value;
      path.value = saved.path;
      if (api.transport === 'browser') rememberRecentFile(saved.path);
      dirty.value = false;
      // Save As names the document: an untitled notebook takes its file's name as its title.
      if (!notebook.value.metadata.title.trim() || notebook.value.metadata.title === 'Untitled') notebook.value.metadata.title = documentName(saved.path, '');
      if (wasUntitled) await safety().dropOwnAutosave();
      notify('success', `Saved ${saved.path}`);
      return true;
    } catch (error) {
      if (isChangedOnDisk(error)) notify('warning', 'Not saved: the file changed on disk.', 'Your version is still here, unsaved. Save As keeps both; saving again offers to overwrite.');
      else notify('error', 'Could not save the notebook.', (error as Error).message);
      return false;
    }
  }

  async function exportReport(): Promise<void> {
    const api = context.api();
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
    // The file on disk is still the one opened: a save over it checks against that version.
    load({ notebook: offer.notebook, path: keepPath, ...(diskVersion ? { diskVersion } : {}) });
    dirty.value = true;
  }

  /** Browser mode's file browser; undefined where the transport has native dialogs instead. */
  function listFolder(folder?: string): Promise<FolderListing> | undefined {
    return context.api()?.listFolder?.(folder);
  }

  return { pathRequest, recoveryOffer, plainNotebook, load, openNotebook, openExample, newNotebook, save, exportReport, acceptRecovery, listFolder };
}
