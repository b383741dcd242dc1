// Notebook files on disk (issue 7): reading refuses bad input before it can do harm (size first,
// then JSON, version and schema — the file is never written while opening), saving is atomic
// (write-file-atomic: a temp file, fsync, rename — a crash mid-save leaves the old file whole),
// and autosave writes a recovery copy that the next open offers when it is newer than the file.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { MAX_NOTEBOOK_BYTES, NotebookFormatError, parseNotebook, serializeNotebook, type NotebookFormatErrorReason } from '../shared/notebook/format';
import { RecoverySessionSchema, type UntitledRecoveryEntry } from '../shared/api';
import { formatBytes } from '../shared/format-bytes';
import { createNotebook, type Notebook } from '../shared/notebook/model';
import { parseIpynb } from '../shared/notebook/ipynb';
import { parsePercentScript } from '../shared/notebook/percent';
import { LOSSBOOK_VERSION } from '../shared/version';

export type NotebookFileErrorReason = NotebookFormatErrorReason | 'not-found' | 'not-a-file' | 'permission' | 'io';

/** A notebook file that cannot be opened or saved; `message` names the file and says why. */
export class NotebookFileError extends Error {
  override readonly name = 'NotebookFileError';
  constructor(
    readonly path: string,
    readonly reason: NotebookFileErrorReason,
    message: string,
  ) {
    super(message);
  }
}

const SCRIPT_EXTENSIONS: Record<string, 'typescript' | 'javascript'> = { '.ts': 'typescript', '.mts': 'typescript', '.js': 'javascript', '.mjs': 'javascript' };

/** Whether a path is a Jupyter notebook (.ipynb): opened by conversion, never saved over. */
export function isJupyterNotebook(path: string): boolean {
  return extname(path).toLowerCase() === '.ipynb';
}

/** Whether a path is a percent-format (or plain) script rather than a .lossbook document. */
export function scriptLanguage(path: string): 'typescript' | 'javascript' | undefined {
  return SCRIPT_EXTENSIONS[extname(path).toLowerCase()];
}

function ioError(path: string, error: unknown, doing: 'open' | 'save'): NotebookFileError {
  const code = (error as NodeJS.ErrnoException).code;
  const name = basename(path);
  if (code === 'ENOENT') return new NotebookFileError(path, 'not-found', `Cannot ${doing} "${name}": ${doing === 'open' ? 'the file does not exist' : 'its folder does not exist'} (${path}).`);
  if (code === 'EACCES' || code === 'EPERM') return new NotebookFileError(path, 'permission', `Cannot ${doing} "${name}": permission denied (${path}).`);
  if (code === 'EISDIR') return new NotebookFileError(path, 'not-a-file', `Cannot ${doing} "${name}": it is a folder, not a file.`);
  if (code === 'ENOSPC') return new NotebookFileError(path, 'io', `Cannot ${doing} "${name}": the disk is full. The previous version of the file is unchanged.`);
  return new NotebookFileError(path, 'io', `Cannot ${doing} "${name}": ${(error as Error).message}`);
}

/**
 * Open a .lossbook file (or a percent-format .ts/.js script, read as cells). Throws
 * NotebookFileError with a message for the user; never writes to the file.
 */
export async function readNotebookFile(path: string): Promise<Notebook> {
  const absolute = resolve(path);
  let size: number;
  try {
    const info = await stat(absolute);
    if (!info.isFile()) throw new NotebookFileError(absolute, 'not-a-file', `Cannot open "${basename(absolute)}": it is not a regular file.`);
    size = info.size;
  } catch (error) {
    if (error instanceof NotebookFileError) throw error;
    throw ioError(absolute, error, 'open');
  }
  // Refused by its size before a byte is read: a 2 GB file must not be pulled into memory.
  if (size > MAX_NOTEBOOK_BYTES) {
    throw new NotebookFileError(absolute, 'too-large', `Cannot open "${basename(absolute)}": it is ${formatBytes(size)}, and Lossbook opens notebooks up to ${formatBytes(MAX_NOTEBOOK_BYTES)}.`);
  }
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw ioError(absolute, error, 'open');
  }
  const language = scriptLanguage(absolute);
  if (language) {
    const script = parsePercentScript(text, language);
    const notebook = createNotebook(script.title ?? basename(absolute, extname(absolute)), LOSSBOOK_VERSION);
    notebook.cells = script.cells;
    return notebook;
  }
  try {
    // A Jupyter notebook (tslab, Deno, IJavascript) opens as cells with static outputs.
    if (isJupyterNotebook(absolute)) return parseIpynb(text, basename(absolute, extname(absolute)), LOSSBOOK_VERSION);
    return parseNotebook(text);
  } catch (error) {
    if (error instanceof NotebookFormatError) throw new NotebookFileError(absolute, error.reason, `Cannot open "${basename(absolute)}": ${error.message}`);
    throw error;
  }
}

/** Save atomically (temp file + fsync + rename), stamping `modified`; then drop the recovery copy. */
export async function saveNotebookFile(path: string, notebook: Notebook): Promise<void> {
  const absolute = resolve(path);
  const stamped: Notebook = { ...notebook, metadata: { ...notebook.metadata, modified: new Date().toISOString() } };
  let text: string;
  try {
    text = serializeNotebook(stamped, { savedBy: `Lossbook ${LOSSBOOK_VERSION}` });
  } catch (error) {
    if (error instanceof NotebookFormatError) throw new NotebookFileError(absolute, error.reason, `Cannot save "${basename(absolute)}": ${error.message}`);
    throw error;
  }
  try {
    await writeFileAtomic(absolute, text, { encoding: 'utf8', fsync: true });
  } catch (error) {
    throw ioError(absolute, error, 'save');
  }
  await discardRecovery(absolute);
}

/** Where unsaved notebooks' recovery copies live (LOSSBOOK_RECOVERY_DIR overrides it). */
export function recoveryDirectory(): string {
  return process.env.LOSSBOOK_RECOVERY_DIR || join(homedir(), '.lossbook', 'recovery');
}

/**
 * The recovery copy of a notebook file. It lives in the recovery folder (not beside the file, so
 * a read-only or synced folder is never touched), named after the file and a hash of its path.
 */
export function recoveryPathFor(path: string): string {
  const absolute = resolve(path);
  const hash = createHash('sha256').update(absolute).digest('hex').slice(0, 16);
  const name = basename(absolute, extname(absolute)).replace(/[^\w.-]+/g, '_').slice(0, 60);
  return join(recoveryDirectory(), `${name}-${hash}.recovery.lossbook`);
}

/** Recovery copies of never-saved notebooks: one per process, so two windows never collide. */
const untitledRecovery = `untitled-${process.pid}-${Date.now().toString(36)}.recovery.lossbook`;

function untitledRecoveryName(session?: string): string {
  if (session === undefined) return untitledRecovery;
  if (!RecoverySessionSchema.safeParse(session).success) throw new NotebookFileError(session, 'invalid', 'An autosave session key holds letters, digits, - and _ only.');
  // Keeps the untitled-<pid>- prefix: the desktop app's orphan scan (main/recovery.ts) reads it.
  return `untitled-${process.pid}-session-${session}.recovery.lossbook`;
}

/**
 * Autosave: write the notebook to its recovery copy (atomically, like a save) and return that
 * path. With no path (an unsaved notebook) the copy is keyed by the page's session, or by
 * this process, in the recovery folder.
 */
export async function writeRecoveryFile(notebook: Notebook, path?: string, session?: string): Promise<string> {
  const target = path ? recoveryPathFor(path) : join(recoveryDirectory(), untitledRecoveryName(session));
  await mkdir(dirname(target), { recursive: true });
  const text = serializeNotebook(notebook, { savedBy: `Lossbook ${LOSSBOOK_VERSION} (recovery)` });
  await writeFileAtomic(target, text, { encoding: 'utf8', fsync: true });
  return target;
}

/** An untitled notebook's autosave, as the page offers it back: enough to recognise it. */
export type UntitledRecovery = UntitledRecoveryEntry;

const UNTITLED_RECOVERY_NAME = /^untitled-.*\.recovery\.lossbook$/;
/** Listing reads each copy; a folder with hundreds of leftovers must not stall the page. */
const MAX_LISTED_RECOVERIES = 20;

/**
 * Autosaves of never-saved notebooks in the recovery folder, newest first (browser mode offers
 * them when a page opens: closing a tab or a crash must not lose an untitled notebook). The
 * caller's own session copy is left out; damaged copies are skipped, never deleted.
 */
export async function listUntitledRecoveries(excludeSession?: string): Promise<UntitledRecovery[]> {
  const directory = recoveryDirectory();
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return [];
  }
  const own = excludeSession !== undefined && RecoverySessionSchema.safeParse(excludeSession).success ? untitledRecoveryName(excludeSession) : undefined;
  const candidates: Array<{ path: string; time: number }> = [];
  for (const name of names) {
    if (!UNTITLED_RECOVERY_NAME.test(name) || name === own || name === untitledRecovery) continue;
    const path = join(directory, name);
    try {
      const info = await stat(path);
      if (info.isFile()) candidates.push({ path, time: info.mtimeMs });
    } catch {
      // Removed meanwhile.
    }
  }
  candidates.sort((a, b) => b.time - a.time);
  const found: UntitledRecovery[] = [];
  for (const candidate of candidates.slice(0, MAX_LISTED_RECOVERIES)) {
    try {
      const notebook = await readNotebookFile(candidate.path);
      found.push({ path: candidate.path, modified: new Date(candidate.time).toISOString(), title: notebook.metadata.title, cells: notebook.cells.length });
    } catch {
      // A damaged copy is not offered; it stays on disk for a person to look at.
    }
  }
  return found;
}

/** An untitled recovery copy named by the page: only files in the recovery folder, by that name pattern. */
export function untitledRecoveryPath(path: string): string {
  const absolute = resolve(path);
  if (dirname(absolute) !== resolve(recoveryDirectory()) || !UNTITLED_RECOVERY_NAME.test(basename(absolute))) {
    throw new NotebookFileError(absolute, 'not-found', 'That is not an autosaved copy of an untitled notebook.');
  }
  return absolute;
}

/** Open an untitled autosave (to restore it as a new, unsaved notebook). */
export async function readUntitledRecovery(path: string): Promise<Notebook> {
  return readNotebookFile(untitledRecoveryPath(path));
}

/** Delete an untitled autosave the user restored (and re-autosaved) or discarded. */
export async function discardUntitledRecovery(path: string): Promise<void> {
  await rm(untitledRecoveryPath(path), { force: true });
}

/**
 * The recovery copy of `path` when it is newer than the file (or the file is gone): what the
 * UI offers on open. A damaged recovery copy is ignored — the file itself is what opens.
 */
export async function findRecovery(path: string): Promise<{ path: string; modified: string; notebook: Notebook } | undefined> {
  const recovery = recoveryPathFor(path);
  let recoveryTime: number;
  try {
    recoveryTime = (await stat(recovery)).mtimeMs;
  } catch {
    return undefined;
  }
  try {
    const fileTime = (await stat(resolve(path))).mtimeMs;
    if (fileTime >= recoveryTime) return undefined;
  } catch {
    // The file is gone: the recovery copy is all there is.
  }
  try {
    const notebook = await readNotebookFile(recovery);
    return { path: recovery, modified: new Date(recoveryTime).toISOString(), notebook };
  } catch {
    return undefined;
  }
}

/** Delete the recovery copy of `path` (after a save, or when the user declines it). */
export async function discardRecovery(path: string): Promise<void> {
  await rm(recoveryPathFor(path), { force: true });
}
