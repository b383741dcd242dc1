// The run store's schema, versioned like the .lossbook format (src/shared/notebook/migrations.ts):
// PRAGMA user_version holds the version; each migration takes version N to N + 1 inside one
// transaction. Add a migration whenever the schema changes; never edit one that shipped.

/** SQLite's application_id for a Lossbook run store ("LBRS"): tells our file from any other SQLite file. */
export const RUN_STORE_APPLICATION_ID = 0x4c425253;

export interface RunStoreMigration {
  from: number;
  to: number;
  description: string;
  sql: string;
}

export const RUN_STORE_MIGRATIONS: readonly RunStoreMigration[] = [
  {
    from: 0,
    to: 1,
    description: 'Runs with params, metric summaries, series (float32 values), findings, tags and a note.',
    sql: `
      CREATE TABLE runs (
        number INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        notebook TEXT,
        cell_id TEXT NOT NULL,
        cell_index INTEGER,
        origin TEXT NOT NULL,
        parent_id TEXT,
        status TEXT NOT NULL,
        duration_ms REAL,
        verdict_id TEXT,
        verdict_title TEXT,
        errors INTEGER NOT NULL DEFAULT 0,
        warnings INTEGER NOT NULL DEFAULT 0,
        infos INTEGER NOT NULL DEFAULT 0,
        note TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL,
        source_hash TEXT NOT NULL,
        prior_code_hash TEXT NOT NULL,
        prior_code TEXT NOT NULL,
        config TEXT NOT NULL,
        memory TEXT
      );
      -- The row the runs table shows (RunEntry but number, note and tags) as JSON, apart from the
      -- runs' code and config: listing 10,000 runs reads this narrow table only, as one string.
      CREATE TABLE listing (
        number INTEGER PRIMARY KEY REFERENCES runs (number) ON DELETE CASCADE,
        note TEXT NOT NULL DEFAULT '',
        entry TEXT NOT NULL
      );
      CREATE INDEX runs_created ON runs (created_at);
      CREATE INDEX runs_notebook ON runs (notebook);
      -- value is JSON (number, string, boolean or null).
      CREATE TABLE params (
        run INTEGER NOT NULL REFERENCES runs (number) ON DELETE CASCADE,
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (run, name)
      ) WITHOUT ROWID;
      -- Summaries apart from the points, so listing thousands of runs never reads a point.
      CREATE TABLE metrics (
        run INTEGER NOT NULL REFERENCES runs (number) ON DELETE CASCADE,
        name TEXT NOT NULL,
        count INTEGER NOT NULL,
        last REAL,
        min REAL,
        max REAL,
        PRIMARY KEY (run, name)
      ) WITHOUT ROWID;
      -- steps: the .lossbook encoding (JSON, a range for the usual 0, 1, 2, …); vals: float32 bytes, NaN for null.
      CREATE TABLE series (
        run INTEGER NOT NULL REFERENCES runs (number) ON DELETE CASCADE,
        name TEXT NOT NULL,
        steps TEXT NOT NULL,
        vals BLOB NOT NULL,
        PRIMARY KEY (run, name)
      );
      CREATE TABLE findings (
        run INTEGER NOT NULL REFERENCES runs (number) ON DELETE CASCADE,
        key TEXT NOT NULL,
        finding TEXT NOT NULL,
        PRIMARY KEY (run, key)
      );
      CREATE TABLE tags (
        run INTEGER NOT NULL REFERENCES runs (number) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        PRIMARY KEY (run, tag)
      ) WITHOUT ROWID;
      CREATE INDEX tags_tag ON tags (tag);
    `,
  },
];

export const RUN_STORE_VERSION = RUN_STORE_MIGRATIONS.at(-1)!.to;
