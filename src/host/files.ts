// Notebook files on disk (issue 7): reading refuses bad input before it can do harm (size first,
// then JSON, version and schema — the file is never written while opening), saving is atomic
// (atomic-write.ts: a temp file, fsync, rename, fsync of the folder — a crash mid-save leaves
// the old file whole, and the temp it leaves is removed by the next save or open), and autosave
// writes a recovery copy that the next open offers when it is newer than the file.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { MAX_NOTEBOOK_BYTES, NotebookFormatError, parseNotebook, serializeNotebook, type NotebookFormatErrorReason } from '../shared/notebook/format';
import { RecoverySessionSchema, type UntitledRecoveryEntry } from '../shared/api';
import { formatBytes } from '../shared/format-bytes';
import { createNotebook, type Notebook } from '../shared/notebook/model';
import { parseIpynb } from '../shared/notebook/ipynb';
import { parsePercentScript } from '../shared/notebook/percent';
import { LOSSBOOK_VERSION } from '../shared/version';
import { removeStaleSaveTemps, writeFileAtomically } from './atomic-write';

export type NotebookFileErrorReason = NotebookFormatErrorReason | 'not-utf8' | 'not-found' | 'not-a-file' | 'permission' | 'io';

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

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The first byte after a BOM and whitespace is `{`. */
function looksLikeJsonObject(bytes: Uint8Array): boolean {
  let index = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (index < bytes.length && (bytes[index] === 0x20 || bytes[index] === 0x09 || bytes[index] === 0x0a || bytes[index] === 0x0d)) index++;
  return bytes[index] === 0x7b;
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence (for the message). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index]!;
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0) return index;
    for (let next = 1; next < length; next++) {
      const byte = bytes[index + next];
      if (byte === undefined || (byte & 0xc0) !== 0x80) return index;
    }
    // Overlong 3/4-byte forms, surrogates and code points above U+10FFFF.
    const second = bytes[index + 1] ?? 0;
    if ((lead === 0xe0 && second < 0xa0) || (lead === 0xed && second > 0x9f) || (lead === 0xf0 && second < 0x90) || (lead === 0xf4 && second > 0x8f)) return index;
    index += length;
  }
  return bytes.length;
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
  let bytes: Buffer;
  try {
    bytes = await readFile(absolute);
  } catch (error) {
    throw ioError(absolute, error, 'open');
  }
  let text: string;
  try {
    // Fatal: readFile(…, 'utf8') silently replaced invalid bytes with U+FFFD, a repair the file
    // format promises never to make (docs/cli.md; issue 17).
    text = STRICT_UTF8.decode(bytes);
  } catch {
    // Not even text that starts like JSON: a binary file (an image, an archive), said as such.
    if (!looksLikeJsonObject(bytes) && !scriptLanguage(absolute)) {
      throw new NotebookFileError(absolute, 'not-json', `Cannot open "${basename(absolute)}": The file is not a Lossbook notebook: it is binary, not JSON text.`);
    }
    const offset = firstInvalidUtf8(bytes);
    throw new NotebookFileError(
      absolute,
      'not-utf8',
      `Cannot open "${basename(absolute)}": it is not valid UTF-8 text (byte ${offset} of ${bytes.length} is not part of a UTF-8 character). Lossbook does not repair files; it may be damaged or in another encoding.`,
    );
  }
  // Temps of saves of this file that were killed midway (issue 17: up to 42 MB each, never removed).
  await removeStaleSaveTemps(absolute);
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

/**
 * Which version of a file is on disk (its modification time and size), or undefined where there
 * is none. The page saves with the version it opened or last saved: a file another program wrote
 * meanwhile (`lossbook runs compare --into`, git, another window) is not overwritten unasked.
 */
export async function diskVersionOf(path: string): Promise<string | undefined> {
  try {
    const info = await stat(resolve(path));
    return info.isFile() ? `${info.mtimeMs}-${info.size}` : undefined;
  } catch {
    return undefined;
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
  await removeStaleSaveTemps(absolute);
  try {
    await writeFileAtomically(absolute, text);
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
  await removeStaleSaveTemps(target);
  await writeFileAtomically(target, text);
  return target;
}

/** An untitled notebook's autosave, as the page offers it back: enough to recognise it. */
export type UntitledRecovery = UntitledRecoveryEntry;

const UNTITLED_RECOVERY_NAME = /^untitled-.*\.recovery\.lossbook$/;
/** Listing reads each copy; a folder with hundreds of leftovers must not stall the page. */
const MAX_LISTED_RECOVERIES = 20;

/**
 * Autosaves of never-saved notebooks in the recovery folder, newest first (browser mode offers
 * them when a page opens: closing a tab or a crash must not lose an untitled notebook). The copies
 * of the sessions named (the caller's own, and pages still open) are left out; damaged copies are
 * skipped, never deleted.
 */
export async function listUntitledRecoveries(excludeSessions: Iterable<string> = []): Promise<UntitledRecovery[]> {
  const directory = recoveryDirectory();
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return [];
  }
  const excluded = new Set([...excludeSessions].filter((session) => RecoverySessionSchema.safeParse(session).success).map((session) => untitledRecoveryName(session)));
  const candidates: Array<{ path: string; time: number }> = [];
  for (const name of names) {
    if (!UNTITLED_RECOVERY_NAME.test(name) || excluded.has(name) || name === untitledRecovery) continue;
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
export async function readUntitledRecovery(path: string, read: (path: string) => Promise<Notebook> = readNotebookFile): Promise<Notebook> {
  return read(untitledRecoveryPath(path));
}

/** Delete an untitled autosave the user restored (and re-autosaved) or discarded. */
export async function discardUntitledRecovery(path: string): Promise<void> {
  await rm(untitledRecoveryPath(path), { force: true });
}

/**
 * The recovery copy of `path` when it is newer than the file (or the file is gone): what the
 * UI offers on open. A damaged recovery copy is ignored — the file itself is what opens.
 */
export async function findRecovery(path: string, read: (path: string) => Promise<Notebook> = readNotebookFile): Promise<{ path: string; modified: string; notebook: Notebook } | undefined> {
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
    const notebook = await read(recovery);
    return { path: recovery, modified: new Date(recoveryTime).toISOString(), notebook };
  } catch {
    return undefined;
  }
}

/** Delete the recovery copy of `path` (after a save, or when the user declines it). */
export async function discardRecovery(path: string): Promise<void> {
  await rm(recoveryPathFor(path), { force: true });
}
