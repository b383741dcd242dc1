// The run store (issue 20): every finished run in one local SQLite file, through libsql's
// better-sqlite3-compatible API (prebuilt N-API binaries: installs with scripts off, loads in
// Node and Electron alike; docs/runs.md compares the drivers). WAL and a busy timeout let the app
// and the CLI write the same file at once. A file that is not ours, is damaged, or was written by
// a newer Lossbook is refused with the reason and left byte for byte as it was.
import type LibsqlDatabase from 'libsql';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { Finding } from '../../shared/protocol';
import { decodeNumbers, EncodedNumbersSchema, encodeNumbers } from '../../shared/notebook/format';
import { summarizeSeries, type RunDetail, type RunEntry, type RunParamValue, type RunToStore, type StoredSeries } from '../../shared/runs/model';
import { RUN_STORE_APPLICATION_ID, RUN_STORE_MIGRATIONS, RUN_STORE_VERSION } from './schema';

type Db = InstanceType<typeof LibsqlDatabase>;
/** What add() needs of a prepared statement. */
type WriteStatement = { run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint } };

let driver: typeof LibsqlDatabase | undefined;
/**
 * libsql loads on first use, not with this module: the app and `lossbook run` start (and train)
 * even where its native binary is missing; only the store reports it.
 */
function openDatabase(path: string, options?: ConstructorParameters<typeof LibsqlDatabase>[1]): Db {
  if (!driver) {
    try {
      driver = createRequire(import.meta.url)('libsql') as typeof LibsqlDatabase;
    } catch (error) {
      throw new RunStoreError(`The SQLite driver (libsql) did not load here, so runs are not recorded: ${(error as Error).message}`, 'io');
    }
  }
  return new driver(path, options);
}

/** A store the user pointed at cannot be used; the message says why and what to do. */
export class RunStoreError extends Error {
  override readonly name = 'RunStoreError';
  constructor(
    message: string,
    readonly code: 'not-a-run-store' | 'newer-version' | 'corrupt' | 'not-found' | 'ambiguous' | 'io',
  ) {
    super(message);
  }
}

const SQLITE_MAGIC = 'SQLite format 3\0';
const FLOAT32_MAX = 3.4028234663852886e38;
/** How long a writer waits for another (the app while the CLI writes) before giving up (ms). */
const BUSY_TIMEOUT_MS = 10_000;

/**
 * Whether the file starts as an SQLite database should (sqlite.org/fileformat.html), read
 * without opening it as one: a file of other bytes is refused before SQLite sees it.
 */
function inspectHeader(path: string): 'sqlite' | 'empty' {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(100);
    const read = readSync(fd, header, 0, 100, 0);
    if (read === 0) return 'empty';
    if (read < 100 || header.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
      throw new RunStoreError(`${path} is not a Lossbook run store (it is not an SQLite database); it was left untouched. Choose another file with --runs-db or LOSSBOOK_RUNS_DB.`, 'not-a-run-store');
    }
    return 'sqlite';
  } finally {
    closeSync(fd);
  }
}

/**
 * The first column of the first row, or undefined. libsql's pluck() applies to all() but not to
 * get() (0.5.29 returns the whole row), so raw() it is.
 */
function scalar(db: Db, sql: string, ...args: unknown[]): unknown {
  return (db.prepare(sql).raw().get(...args) as unknown[] | undefined)?.[0];
}

function valuesToBlob(values: ReadonlyArray<number | null>): Buffer {
  const typed = new Float32Array(values.length);
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    // As in the .lossbook format: tfjs computes in float32, and a finite double beyond its range
    // is kept as the largest float32 rather than turned into Infinity.
    typed[index] = value === null || value === undefined ? NaN : Math.max(-FLOAT32_MAX, Math.min(FLOAT32_MAX, value));
  }
  return Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength);
}

function blobToValues(blob: Uint8Array): Array<number | null> {
  // Copy: a Buffer's offset into its pool need not be 4-byte aligned.
  const typed = new Float32Array(new Uint8Array(blob).buffer, 0, Math.floor(blob.byteLength / 4));
  const out = new Array<number | null>(typed.length);
  for (let index = 0; index < typed.length; index++) out[index] = Number.isFinite(typed[index]!) ? typed[index]! : null;
  return out;
}

/** What the runs table shows of a run, as the `entry` column keeps it. */
function listedFields(run: RunToStore): Omit<RunEntry, 'number' | 'note' | 'tags'> {
  return {
    id: run.id,
    createdAt: run.createdAt,
    notebook: run.notebook,
    cellId: run.cellId,
    cellIndex: run.cellIndex,
    origin: run.origin,
    parentId: run.parentId,
    status: run.status,
    durationMs: run.durationMs,
    params: run.params,
    // Per-layer diagnostics (grad_norm/<layer>, …) stay out of the table's rows: `runs show` and
    // Compare have them; a run can have hundreds.
    metrics: Object.fromEntries(run.series.filter((series) => !series.name.includes('/')).map((series) => [series.name, summarizeSeries(series.values)])),
    verdict: run.verdict,
    findingCounts: run.findingCounts,
  };
}

const ENTRY_COLUMNS = 'number, id, created_at, notebook, cell_id, cell_index, origin, parent_id, status, duration_ms, verdict_id, verdict_title, errors, warnings, infos, note';
type EntryRow = [number, string, number, string | null, string, number | null, RunEntry['origin'], string | null, RunEntry['status'], number | null, string | null, string | null, number, number, number, string];

function entryFromRow(row: EntryRow): RunEntry {
  const [number, id, createdAt, notebook, cellId, cellIndex, origin, parentId, status, durationMs, verdictId, verdictTitle, error, warning, info, note] = row;
  return {
    id,
    number,
    createdAt,
    notebook,
    cellId,
    cellIndex,
    origin,
    parentId,
    status,
    durationMs,
    params: {},
    metrics: {},
    verdict: verdictId ? { id: verdictId, title: verdictTitle ?? verdictId } : null,
    findingCounts: { error, warning, info },
    tags: [],
    note,
  };
}

export interface RunStoreOptions {
  /** Open for reading only: the file is never created, migrated or written. */
  readonly?: boolean;
}

export class RunStore {
  private closed = false;
  /** Prepared once per connection: recording a run prepares nothing (bench/runs.bench.ts). */
  private readonly statements = new Map<string, WriteStatement>();

  private constructor(
    private readonly db: Db,
    readonly path: string,
    private readonly readonly: boolean,
  ) {}

  /**
   * Open (or create) the store at `path`. Refuses, with a RunStoreError and without writing a
   * byte, a file that is not an SQLite database, another program's database, a damaged one, or
   * one from a newer Lossbook.
   */
  static open(path: string, options: RunStoreOptions = {}): RunStore {
    const exists = existsSync(path) && statSync(path).size > 0;
    if (!exists && options.readonly) throw new RunStoreError(`There is no run store at ${path} yet: runs are recorded there once a cell has run.`, 'not-found');
    if (exists) {
      if (inspectHeader(path) !== 'empty') RunStore.inspect(path);
    } else mkdirSync(dirname(path), { recursive: true });
    let db: Db | undefined;
    try {
      db = openDatabase(path, options.readonly ? { readonly: true, fileMustExist: true } : {});
      db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
      if (!options.readonly) {
        db.exec('PRAGMA journal_mode = WAL');
        // WAL's usual pairing: durable at checkpoints, and a crash loses at most the last run, never the file.
        db.exec('PRAGMA synchronous = NORMAL');
        db.exec('PRAGMA foreign_keys = ON');
        migrate(db);
      }
      return new RunStore(db, path, options.readonly === true);
    } catch (error) {
      db?.close();
      throw storeError(error, path);
    }
  }

  /**
   * Read-only look at an existing SQLite file before anything may write to it. Through SQL, not
   * the header alone: a store another process has open keeps its latest state in the WAL.
   */
  private static inspect(path: string): void {
    let db: Db | undefined;
    try {
      db = openDatabase(path, { readonly: true, fileMustExist: true });
      const applicationId = scalar(db, 'PRAGMA application_id') as number;
      const version = scalar(db, 'PRAGMA user_version') as number;
      // Reads the schema page: a damaged file fails here, before anything is written.
      const tables = scalar(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'") as number;
      if (applicationId !== RUN_STORE_APPLICATION_ID && (applicationId !== 0 || tables > 0))
        throw new RunStoreError(`${path} is an SQLite database of another program, not a Lossbook run store; it was left untouched.`, 'not-a-run-store');
      if (version > RUN_STORE_VERSION)
        throw new RunStoreError(`${path} was written by a newer Lossbook (run store version ${version}; this one reads up to ${RUN_STORE_VERSION}); it was left untouched. Update Lossbook to open it.`, 'newer-version');
    } catch (error) {
      throw storeError(error, path);
    } finally {
      db?.close();
    }
  }

  /** Record one finished run (replacing a run with the same id). */
  add(run: RunToStore): number {
    return this.guard(() =>
      this.db.transaction(() => {
        this.prepare('DELETE FROM runs WHERE id = ?').run(run.id);
        const counts = run.findingCounts;
        const result = this.db
          .prepare(
            `INSERT INTO runs (id, created_at, notebook, cell_id, cell_index, origin, parent_id, status, duration_ms, verdict_id, verdict_title, errors, warnings, infos, note, source, source_hash, prior_code_hash, prior_code, config, memory)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(run.id, run.createdAt, run.notebook, run.cellId, run.cellIndex, run.origin, run.parentId, run.status, run.durationMs, run.verdict?.id ?? null, run.verdict?.title ?? null, counts.error, counts.warning, counts.info, run.note ?? '', run.source, run.sourceHash, run.priorCodeHash, run.priorCode, JSON.stringify(run.config), run.memory ? JSON.stringify(run.memory) : null);
        const number = Number(result.lastInsertRowid);
        this.prepare('INSERT INTO listing (number, note, entry) VALUES (?, ?, ?)').run(number, run.note ?? '', JSON.stringify(listedFields(run)));
        const param = this.prepare('INSERT INTO params (run, name, value) VALUES (?, ?, ?)');
        for (const [name, value] of Object.entries(run.params)) if (value !== undefined) param.run(number, name, JSON.stringify(value));
        const metric = this.prepare('INSERT OR REPLACE INTO metrics (run, name, count, last, min, max) VALUES (?, ?, ?, ?, ?, ?)');
        const series = this.prepare('INSERT OR REPLACE INTO series (run, name, steps, vals) VALUES (?, ?, ?, ?)');
        for (const { name, steps, values } of run.series) {
          const summary = summarizeSeries(values);
          metric.run(number, name, summary.count, summary.last, summary.min, summary.max);
          series.run(number, name, JSON.stringify(encodeNumbers(steps)), valuesToBlob(values));
        }
        const finding = this.prepare('INSERT OR REPLACE INTO findings (run, key, finding) VALUES (?, ?, ?)');
        for (const item of run.findings) finding.run(number, item.key, JSON.stringify(item));
        const tag = this.prepare('INSERT OR IGNORE INTO tags (run, tag) VALUES (?, ?)');
        for (const name of run.tags ?? []) tag.run(number, name);
        return number;
      }).immediate(),
    );
  }

  /** Every run, the last recorded first, with params, metric summaries and tags (never the points). */
  list(): RunEntry[] {
    return JSON.parse(this.listJson()) as RunEntry[];
  }

  /** list() as JSON text, built from the stored entries without parsing them (listingParts). */
  listJson(): string {
    return ['[', ...this.listingParts(), ']'].join('');
  }

  /**
   * The runs as the parts of a JSON array's inside: each stored entry, comma-separated, with its
   * number, note and tags spliced in before its closing brace (the stored entry never has those
   * keys: listedFields). The runs host sends them to the page as they are (raw-json.ts), so 10,000
   * rows are never parsed and re-stringified on the way, and joined once (bench/runs.bench.ts).
   */
  listingParts(limit?: number): string[] {
    return this.guard(() => {
      const tags = new Map<number, string[]>();
      for (const [run, tag] of this.db.prepare('SELECT run, tag FROM tags ORDER BY run, tag').raw().all() as Array<[number, string]>) {
        const list = tags.get(run);
        if (list) list.push(tag);
        else tags.set(run, [tag]);
      }
      const listed = this.db.prepare(`SELECT number, note, entry FROM listing ORDER BY number DESC${limit === undefined ? '' : ' LIMIT ?'}`).raw().all(...(limit === undefined ? [] : [limit])) as Array<[number, string, string]>;
      return listed.map(([number, note, entry], index) => `${index ? ',' : ''}${entry.slice(0, -1)},"number":${number},"note":${JSON.stringify(note)},"tags":${JSON.stringify(tags.get(number) ?? [])}}`);
    });
  }

  /** How many runs the store holds. */
  count(): number {
    return this.guard(() => scalar(this.db, 'SELECT count(*) FROM listing') as number);
  }

  private fillDetails(byNumber: Map<number, RunEntry>, where: string, ...args: unknown[]): void {
    for (const [run, name, value] of this.db.prepare(`SELECT run, name, value FROM params ${where}`).raw().all(...args) as Array<[number, string, string]>) {
      const entry = byNumber.get(run);
      if (entry) entry.params[name] = JSON.parse(value) as RunParamValue;
    }
    for (const [run, name, count, last, min, max] of this.db.prepare(`SELECT run, name, count, last, min, max FROM metrics ${where}`).raw().all(...args) as Array<[number, string, number, number | null, number | null, number | null]>) {
      const entry = byNumber.get(run);
      if (entry) entry.metrics[name] = { count, last, min, max };
    }
    for (const [run, tag] of this.db.prepare(`SELECT run, tag FROM tags ${where}`).raw().all(...args) as Array<[number, string]>) byNumber.get(run)?.tags.push(tag);
  }

  /**
   * Find a run by its number (`12`), its id, or a unique start of its id. Throws a RunStoreError
   * the user can act on when none or several match.
   */
  resolve(reference: string): string {
    return this.guard(() => {
      const ref = reference.trim().replace(/^#/, '');
      const byNumber = /^\d+$/.test(ref) ? (scalar(this.db, 'SELECT id FROM runs WHERE number = ?', Number(ref)) as string | undefined) : undefined;
      if (byNumber) return byNumber;
      const exact = scalar(this.db, 'SELECT id FROM runs WHERE id = ?', ref) as string | undefined;
      if (exact) return exact;
      const matches = this.db.prepare("SELECT id FROM runs WHERE substr(id, 1, length(?)) = ? LIMIT 3").pluck().all(ref, ref) as string[];
      if (matches.length === 1) return matches[0]!;
      if (matches.length > 1) throw new RunStoreError(`"${reference}" matches several runs (${matches.join(', ')}, …); give more of the id or the run's number.`, 'ambiguous');
      throw new RunStoreError(`There is no run "${reference}" in ${this.path}; \`lossbook runs list\` shows the runs.`, 'not-found');
    });
  }

  /** Everything recorded about one run. */
  get(reference: string): RunDetail {
    const id = this.resolve(reference);
    return this.guard(() => {
      const row = this.db.prepare(`SELECT ${ENTRY_COLUMNS}, source, source_hash, prior_code_hash, prior_code, config, memory FROM runs WHERE id = ?`).raw().get(id) as [...EntryRow, string, string, string, string, string, string | null];
      const entry = entryFromRow(row.slice(0, 16) as EntryRow);
      const [source, sourceHash, priorCodeHash, priorCode, config, memory] = row.slice(16) as [string, string, string, string, string, string | null];
      this.fillDetails(new Map([[entry.number, entry]]), 'WHERE run = ?', entry.number);
      const findings = (this.db.prepare('SELECT finding FROM findings WHERE run = ? ORDER BY rowid').pluck().all(entry.number) as string[]).map((text) => JSON.parse(text) as Finding);
      return { ...entry, source, sourceHash, priorCodeHash, priorCode, config: JSON.parse(config) as RunDetail['config'], memory: memory ? (JSON.parse(memory) as RunDetail['memory']) : null, findings };
    });
  }

  /** The points of the given runs' series (all series when `names` is omitted). */
  series(ids: readonly string[], names?: readonly string[]): StoredSeries[] {
    if (!ids.length) return [];
    return this.guard(() => {
      const out: StoredSeries[] = [];
      const byName = names?.length ? ` AND s.name IN (${names.map(() => '?').join(', ')})` : '';
      const statement = this.db.prepare(`SELECT s.name, s.steps, s.vals FROM series s JOIN runs r ON r.number = s.run WHERE r.id = ?${byName} ORDER BY s.name`).raw();
      for (const id of ids) {
        for (const [name, steps, vals] of statement.all(id, ...(names ?? [])) as Array<[string, string, Uint8Array]>) {
          out.push({ runId: id, name, steps: decodeNumbers(EncodedNumbersSchema.parse(JSON.parse(steps))), values: blobToValues(vals) });
        }
      }
      return out;
    });
  }

  /** Delete runs (and their points, findings, tags) for good; returns how many were deleted. */
  delete(ids: readonly string[]): number {
    return this.guard(() =>
      this.db.transaction(() => {
        const statement = this.db.prepare('DELETE FROM runs WHERE id = ?');
        let deleted = 0;
        for (const id of ids) deleted += statement.run(id).changes;
        return deleted;
      }).immediate(),
    );
  }

  /** Ids of every run recorded from one notebook (what `runs delete --notebook` removes). */
  idsOfNotebook(notebook: string): string[] {
    return this.guard(() => this.db.prepare('SELECT id FROM runs WHERE notebook = ? ORDER BY number').pluck().all(notebook) as string[]);
  }

  setNote(id: string, note: string): void {
    this.guard(() =>
      this.db.transaction(() => {
        this.db.prepare('UPDATE runs SET note = ? WHERE id = ?').run(note, id);
        this.db.prepare('UPDATE listing SET note = ? WHERE number = (SELECT number FROM runs WHERE id = ?)').run(note, id);
      }).immediate(),
    );
  }

  /** Add tags (`add`) and remove tags (`remove`) on one run; returns its tags after. */
  tag(id: string, add: readonly string[], remove: readonly string[] = []): string[] {
    return this.guard(() =>
      this.db.transaction(() => {
        const number = scalar(this.db, 'SELECT number FROM runs WHERE id = ?', id) as number | undefined;
        if (number === undefined) throw new RunStoreError(`There is no run "${id}" in ${this.path}.`, 'not-found');
        for (const name of add) this.db.prepare('INSERT OR IGNORE INTO tags (run, tag) VALUES (?, ?)').run(number, name);
        for (const name of remove) this.db.prepare('DELETE FROM tags WHERE run = ? AND tag = ?').run(number, name);
        return this.db.prepare('SELECT tag FROM tags WHERE run = ? ORDER BY tag').pluck().all(number) as string[];
      }).immediate(),
    );
  }

  /** The schema version the file is at. */
  get version(): number {
    return this.guard(() => scalar(this.db, 'PRAGMA user_version') as number);
  }

  close(): void {
    // libsql 0.5 does not keep better-sqlite3's `open` flag: track it here.
    if (this.closed) return;
    this.closed = true;
    // libsql finalizes statements only when they are garbage-collected, so SQLite defers the
    // close and with it the checkpoint: write the WAL into the file now (PASSIVE: never waits).
    if (!this.readonly) {
      try {
        this.db.exec('PRAGMA wal_checkpoint(PASSIVE)');
      } catch {
        // Another process holds the store; its own close checkpoints.
      }
    }
    this.db.close();
  }

  private prepare(sql: string): WriteStatement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw storeError(error, this.path);
    }
  }
}

/** Bring the file to RUN_STORE_VERSION, one migration per step, each in its own transaction. */
function migrate(db: Db): void {
  for (const migration of RUN_STORE_MIGRATIONS) {
    // IMMEDIATE takes the write lock before reading the version: two processes opening a new
    // file at once cannot both run the same migration.
    db.transaction(() => {
      const version = scalar(db, 'PRAGMA user_version') as number;
      if (version !== migration.from) return;
      db.exec(migration.sql);
      db.exec(`PRAGMA application_id = ${RUN_STORE_APPLICATION_ID}`);
      db.exec(`PRAGMA user_version = ${migration.to}`);
    }).immediate();
  }
}

/** SQLite's errors, turned into ones the user can act on; ours pass through. */
function storeError(error: unknown, path: string): Error {
  if (error instanceof RunStoreError) return error;
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? String(error);
  if (/NOTADB|CORRUPT/.test(code) || /not a database|malformed/i.test(message))
    return new RunStoreError(`The run store ${path} is damaged (${message}); it was left untouched. Move it aside to start a new one, or point --runs-db at another file.`, 'corrupt');
  if (/BUSY|LOCKED/.test(code)) return new RunStoreError(`The run store ${path} stayed locked by another Lossbook for ${BUSY_TIMEOUT_MS / 1000} s; try again.`, 'io');
  return new RunStoreError(`The run store ${path} could not be used: ${message}`, 'io');
}
