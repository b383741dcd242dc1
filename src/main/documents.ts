// Where .lossbook files come from besides the Open dialog: the command line (first launch and
// a second launch routed by the single-instance lock), and the recent-documents list.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { Emitter, type Event } from '../shared/event';

export const NOTEBOOK_EXTENSION = '.lossbook';

export function isNotebookPath(path: string): boolean {
  return path.toLowerCase().endsWith(NOTEBOOK_EXTENSION) && path.length > NOTEBOOK_EXTENSION.length;
}

/**
 * The .lossbook paths in a command line, made absolute against the launching shell's folder.
 * Flags (Chromium's and ours) and the executable/app path are skipped by what they look like,
 * so the same code reads `lossbook a.lossbook`, `electron . a.lossbook` and a second
 * instance's argv (whose working directory differs from ours).
 */
export function notebookPathsFromArgv(argv: readonly string[], workingDirectory: string): string[] {
  const paths: string[] = [];
  for (const argument of argv.slice(1)) {
    if (argument.startsWith('-')) continue;
    if (!isNotebookPath(argument)) continue;
    const absolute = isAbsolute(argument) ? argument : resolve(workingDirectory, argument);
    if (!paths.includes(absolute)) paths.push(absolute);
  }
  return paths;
}

const RecentFileSchema = z.object({ version: z.literal(1), paths: z.array(z.string()) });

export interface RecentDocumentsStorage {
  read(): Promise<string | undefined>;
  write(text: string): Promise<void>;
}

export function fileStorage(path: string): RecentDocumentsStorage {
  return {
    read: async () => {
      try {
        return await readFile(path, 'utf8');
      } catch {
        return undefined;
      }
    },
    write: async (text) => {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text, 'utf8');
    },
  };
}

/** Most recent first, no duplicates, at most `limit`; persisted as JSON in the user data folder. */
export class RecentDocuments {
  private paths: string[] = [];
  private readonly changes = new Emitter<void>();

  constructor(
    private readonly storage: RecentDocumentsStorage,
    private readonly limit = 10,
  ) {}

  async load(): Promise<void> {
    const text = await this.storage.read();
    if (!text) return;
    try {
      const parsed = RecentFileSchema.safeParse(JSON.parse(text));
      // A damaged list is not worth an error dialog: start a fresh one.
      if (parsed.success) this.paths = parsed.data.paths.filter((path) => isAbsolute(path)).slice(0, this.limit);
    } catch {
      this.paths = [];
    }
  }

  list(): readonly string[] {
    return this.paths;
  }

  async add(path: string): Promise<void> {
    this.paths = [path, ...this.paths.filter((existing) => existing !== path)].slice(0, this.limit);
    await this.persist();
  }

  async remove(path: string): Promise<void> {
    this.paths = this.paths.filter((existing) => existing !== path);
    await this.persist();
  }

  async clear(): Promise<void> {
    this.paths = [];
    await this.persist();
  }

  /** The list changed (the Open Recent menu is rebuilt). */
  readonly onChange: Event<void> = this.changes.event;

  private async persist(): Promise<void> {
    this.changes.fire();
    await this.storage.write(JSON.stringify({ version: 1, paths: this.paths }, null, 2));
  }
}
