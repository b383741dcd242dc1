import Database from 'libsql';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEntry } from '../../shared/runs/model';
import { RunStore, RunStoreError } from './store';
import { RUN_STORE_APPLICATION_ID, RUN_STORE_VERSION } from './schema';
import { sampleFinding, sampleRun } from './store.testing';

let folder: string;
let path: string;
const opened: RunStore[] = [];
const open = (file = path, readonly = false) => {
  const store = RunStore.open(file, { readonly });
  opened.push(store);
  return store;
};

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'lossbook-runs-'));
  path = join(folder, 'runs.db');
});
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

function refusal(file: string): RunStoreError {
  try {
    RunStore.open(file);
  } catch (error) {
    return error as RunStoreError;
  }
  throw new Error('the store opened');
}

describe('RunStore', () => {
  it('creates a real SQLite file at the current schema version, in WAL mode', () => {
    const store = open();
    expect(store.version).toBe(RUN_STORE_VERSION);
    opened.pop()!.close(); // checkpoints the WAL into the file
    expect(readFileSync(path).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    expect(readFileSync(path).readUInt32BE(68)).toBe(RUN_STORE_APPLICATION_ID);
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare('PRAGMA journal_mode').raw().get()).toEqual(['wal']);
    raw.close();
  });

  it('keeps a run whole: params, metric summaries, points, findings, tags, note', () => {
    const store = open();
    const run = sampleRun(17, { overrides: { series: [{ name: 'loss', steps: [0, 1, 2, 5], values: [2.5, null, 1.25, Number.NaN] }], tags: ['baseline'] } });
    store.add(run);
    const [entry] = store.list();
    expect(entry).toMatchObject({ id: run.id, number: 1, status: 'error', params: run.params, tags: ['baseline'], verdict: { id: 'loss.nan' }, findingCounts: { error: 1, warning: 0, info: 0 } });
    // The last point is NaN: `last` says so rather than showing the last good value.
    expect(entry!.metrics.loss).toEqual({ count: 4, last: null, min: 1.25, max: 2.5 });
    const detail = store.get('1');
    expect(detail.source).toBe(run.source);
    expect(detail.config).toEqual(run.config);
    expect(detail.findings).toEqual([sampleFinding('loss.nan', 'error')]);
    expect(store.series([run.id])).toEqual([{ runId: run.id, name: 'loss', steps: [0, 1, 2, 5], values: [2.5, null, 1.25, null] }]);
    store.setNote(run.id, 'lr too high');
    expect(store.tag(run.id, ['keep'], ['baseline'])).toEqual(['keep']);
    expect(store.get(run.id)).toMatchObject({ note: 'lr too high', tags: ['keep'] });
  });

  it('lists as JSON text the same entries the store keeps, notes and tags of any characters included', () => {
    const store = open();
    const note = 'say "hi"\n\\ and é ☃ \u2028';
    for (const index of [0, 1, 2]) store.add(sampleRun(index, { overrides: { tags: index === 1 ? ['b"c', 'a\\'] : [] } }));
    store.setNote('run-000001', note);
    const listed = JSON.parse(store.listJson()) as RunEntry[];
    expect(listed.map((entry) => [entry.number, entry.note, entry.tags])).toEqual([
      [3, '', []],
      [2, note, ['a\\', 'b"c']],
      [1, '', []],
    ]);
    // Each listed entry is the run as get() reads it from the runs table, less the details.
    for (const entry of listed) {
      const { source: _source, sourceHash: _hash, priorCodeHash: _prior, priorCode: _code, config: _config, memory: _memory, findings: _findings, ...detail } = store.get(entry.id);
      expect(entry).toEqual(detail);
    }
  });

  it('finds runs by number, id or a unique start of the id, and says when it cannot', () => {
    const store = open();
    store.add(sampleRun(1));
    store.add(sampleRun(2));
    expect(store.resolve('2')).toBe('run-000002');
    expect(store.resolve('#1')).toBe('run-000001');
    expect(store.resolve('run-000002')).toBe('run-000002');
    expect(() => store.resolve('run-00000')).toThrow(/matches several runs/);
    expect(() => store.resolve('nope')).toThrow(/There is no run "nope"/);
  });

  it('deletes runs with their points, findings and tags', () => {
    const store = open();
    for (const index of [0, 1, 2]) store.add(sampleRun(index, { overrides: { tags: ['t'], findings: [sampleFinding('x')] } }));
    expect(store.delete(['run-000000', 'run-000002', 'missing'])).toBe(2);
    expect(store.list().map((entry) => entry.id)).toEqual(['run-000001']);
    const raw = new Database(path, { readonly: true });
    for (const table of ['params', 'metrics', 'series', 'findings', 'tags']) expect(raw.prepare(`SELECT count(DISTINCT run) FROM ${table}`).raw().get()).toEqual([1]);
    expect(raw.prepare('SELECT count(*) FROM listing').raw().get()).toEqual([1]);
    raw.close();
  });

  it('refuses a file of garbage bytes and leaves it untouched', () => {
    writeFileSync(path, Buffer.from('this is not a database, just some bytes'.repeat(50)));
    const before = readFileSync(path);
    const error = refusal(path);
    expect(error).toBeInstanceOf(RunStoreError);
    expect(error.code).toBe('not-a-run-store');
    expect(error.message).toMatch(/not an SQLite database.*left untouched/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses a store from a newer Lossbook and leaves it untouched', () => {
    const raw = new Database(path);
    raw.exec(`CREATE TABLE runs (id TEXT); PRAGMA application_id = ${RUN_STORE_APPLICATION_ID}; PRAGMA user_version = ${RUN_STORE_VERSION + 1};`);
    raw.close();
    const before = readFileSync(path);
    const error = refusal(path);
    expect(error.code).toBe('newer-version');
    expect(error.message).toMatch(new RegExp(`newer Lossbook \\(run store version ${RUN_STORE_VERSION + 1}; this one reads up to ${RUN_STORE_VERSION}\\).*left untouched`));
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it("refuses another program's SQLite database and a damaged store", () => {
    const raw = new Database(path);
    raw.exec('CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES (1);');
    raw.close();
    const foreign = readFileSync(path);
    expect(refusal(path).code).toBe('not-a-run-store');
    expect(readFileSync(path).equals(foreign)).toBe(true);

    const damaged = join(folder, 'damaged.db');
    open(damaged).add(sampleRun(1));
    opened.pop()!.close();
    const bytes = readFileSync(damaged);
    bytes.fill(0x5a, 100, bytes.length); // the header survives; every page after it does not
    writeFileSync(damaged, bytes);
    const error = refusal(damaged);
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/is damaged .*left untouched/);
    expect(readFileSync(damaged).equals(bytes)).toBe(true);
  });

  it('waits for another process holding the write lock instead of failing (WAL + busy_timeout)', async () => {
    open().add(sampleRun(0));
    const libsql = JSON.stringify(require.resolve('libsql'));
    // The other writer holds an IMMEDIATE transaction for 400 ms, then commits its own row.
    const holder = spawn(process.execPath, ['-e', `const D = require(${libsql}); const db = new D(${JSON.stringify(path)}); db.exec('BEGIN IMMEDIATE'); db.exec("UPDATE listing SET note = 'from the other process'"); console.log('locked'); setTimeout(() => { db.exec('COMMIT'); db.close(); }, 400);`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    const started = Date.now();
    opened[0]!.add(sampleRun(1));
    expect(Date.now() - started).toBeGreaterThan(100);
    await new Promise((resolve) => holder.once('exit', resolve));
    expect(opened[0]!.list().map((entry) => [entry.id, entry.note])).toEqual([
      ['run-000001', ''],
      ['run-000000', 'from the other process'],
    ]);
  });

  it('opens read-only without creating a file', () => {
    expect(() => open(join(folder, 'none.db'), true)).toThrow(/There is no run store/);
  });
});
