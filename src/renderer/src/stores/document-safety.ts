// What keeps a notebook's work from being lost in the page (issue 21): the Save / Discard /
// Cancel question before the document is replaced, autosaves that write only what changed, and
// browser mode's offer of untitled notebooks other pages autosaved and never saved. Used by the
// notebook store, which owns the document; kept here so the store stays about cells and runs.
import { ref, shallowRef, type ComputedRef, type Ref } from 'vue';
import type { LossbookApi, OpenedNotebook, UntitledRecoveryEntry } from '../../../shared/api';
import type { Notebook } from '../../../shared/notebook/model';
import { pageSessionKey } from '../page-session';

/** What to do with unsaved changes before the document is replaced. */
export type UnsavedChoice = 'save' | 'discard' | 'cancel';

export interface UnsavedPrompt {
  /** The document's name, as the question shows it. */
  name: string;
  /** What replaces it, in words: "open the example", "start a new notebook". */
  action: string;
  resolve(choice: UnsavedChoice): void;
}

export interface DocumentSafetyContext {
  api(): LossbookApi | undefined;
  dirty: Ref<boolean>;
  path: Ref<string | undefined>;
  name: ComputedRef<string>;
  busy: ComputedRef<boolean>;
  plainNotebook(): Notebook;
  save(): Promise<boolean>;
  load(opened: OpenedNotebook): void;
  touch(): void;
  notify(kind: 'success' | 'error', text: string, detail?: string): void;
}

export function createDocumentSafety(context: DocumentSafetyContext) {
  const unsavedPrompt = shallowRef<UnsavedPrompt | undefined>();
  /** Untitled autosaves other pages left (browser mode), offered back on load. */
  const untitledRecoveries = ref<UntitledRecoveryEntry[]>([]);
  const session = pageSessionKey();
  /** Bumped by every edit and run: autosave writes only when it moved. */
  let editRevision = 0;
  let autosavedRevision = 0;
  /** Where this page's untitled autosave lives, once written (deleted when saved or discarded). */
  let ownAutosavePath: string | undefined;

  function edited(): void {
    editRevision += 1;
  }

  /**
   * Before the document is replaced: ask Save / Discard / Cancel when it has unsaved changes.
   * Resolves true when the replacement may go ahead (saved, or discarded knowingly).
   */
  async function confirmReplace(action: string): Promise<boolean> {
    if (!context.dirty.value) return true;
    const choice = await new Promise<UnsavedChoice>((resolve) => {
      unsavedPrompt.value = {
        name: context.name.value,
        action,
        resolve: (answer) => {
          unsavedPrompt.value = undefined;
          resolve(answer);
        },
      };
    });
    if (choice === 'cancel') return false;
    if (choice === 'save') return context.save();
    // Discarded knowingly: its untitled autosave must not be offered back later.
    if (!context.path.value) await dropOwnAutosave();
    return true;
  }

  async function autosave(): Promise<void> {
    const api = context.api();
    if (!api || !context.dirty.value || context.busy.value || editRevision === autosavedRevision) return;
    const revision = editRevision;
    const path = context.path.value;
    try {
      const written = await api.autosave(context.plainNotebook(), path, path ? undefined : session);
      autosavedRevision = revision;
      if (!path && written && typeof written === 'object') ownAutosavePath = written.path;
    } catch {
      // A failed autosave must not interrupt work; the next save reports real errors.
    }
  }

  /** The untitled document was saved to a file or discarded: its autosave is not needed. */
  async function dropOwnAutosave(): Promise<void> {
    const own = ownAutosavePath;
    ownAutosavePath = undefined;
    autosavedRevision = editRevision;
    if (own) await context.api()?.discardRecovery?.(own).catch(() => undefined);
  }

  /** Browser mode: look for untitled notebooks other pages autosaved and never saved. */
  async function checkUntitledRecoveries(): Promise<void> {
    const api = context.api();
    if (!api?.listRecoveries) return;
    try {
      untitledRecoveries.value = await api.listRecoveries(session);
    } catch {
      untitledRecoveries.value = [];
    }
  }

  /** Restore an untitled autosave as this page's (unsaved) notebook; its old copy goes once ours is written. */
  async function restoreUntitled(entry: UntitledRecoveryEntry): Promise<void> {
    const api = context.api();
    if (!api?.openRecovery || !(await confirmReplace('restore the autosaved notebook'))) return;
    try {
      context.load(await api.openRecovery(entry.path));
      context.touch();
      await autosave();
      if (ownAutosavePath) await api.discardRecovery?.(entry.path);
      untitledRecoveries.value = untitledRecoveries.value.filter((candidate) => candidate.path !== entry.path);
      context.notify('success', `Restored "${entry.title}". It is not saved to a file yet.`);
    } catch (error) {
      context.notify('error', 'Could not restore the autosaved notebook.', (error as Error).message);
    }
  }

  async function discardUntitled(entry: UntitledRecoveryEntry): Promise<void> {
    try {
      await context.api()?.discardRecovery?.(entry.path);
      untitledRecoveries.value = untitledRecoveries.value.filter((candidate) => candidate.path !== entry.path);
    } catch (error) {
      context.notify('error', 'Could not delete the autosaved copy.', (error as Error).message);
    }
  }

  return { unsavedPrompt, untitledRecoveries, edited, confirmReplace, autosave, dropOwnAutosave, checkUntitledRecoveries, restoreUntitled, discardUntitled };
}
