import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recoveryPathFor } from '../host/files';
import { processIsAlive } from '../host/process-alive';
import { findOrphanedUntitledRecoveries, untitledRecoveryKey } from './recovery';

describe('untitled recovery copies', () => {
  it('each window gets its own key, and files.ts names its copy so the orphan scan finds it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'lossbook-recovery-'));
    const first = untitledRecoveryKey(directory, 1, 99999999);
    const second = untitledRecoveryKey(directory, 2, 99999999);
    expect(first).not.toBe(second);
    process.env.LOSSBOOK_RECOVERY_DIR = directory;
    try {
      const copy = recoveryPathFor(first);
      writeFileSync(copy, '{}');
      expect((await findOrphanedUntitledRecoveries(directory, () => false)).map((orphan) => orphan.path)).toEqual([copy]);
    } finally {
      delete process.env.LOSSBOOK_RECOVERY_DIR;
    }
  });

  it('offers only copies whose process has ended, newest first, ignoring other files', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'lossbook-recovery-'));
    const dead = join(directory, 'untitled-4000001-abc.recovery.lossbook');
    const deadOlder = join(directory, 'untitled-4000002-window1-0123456789abcdef.recovery.lossbook');
    const live = join(directory, `untitled-${process.pid}-def.recovery.lossbook`);
    for (const path of [dead, deadOlder, live, join(directory, 'experiment-0123456789abcdef.recovery.lossbook'), join(directory, 'notes.txt')]) writeFileSync(path, '{}');
    utimesSync(deadOlder, new Date(2020, 0, 1), new Date(2020, 0, 1));
    const found = await findOrphanedUntitledRecoveries(directory, (pid) => pid === process.pid);
    expect(found.map((orphan) => orphan.path)).toEqual([dead, deadOlder]);
  });

  it('a missing folder means nothing to recover', async () => {
    expect(await findOrphanedUntitledRecoveries(join(tmpdir(), 'lossbook-no-such-folder-x'))).toEqual([]);
  });

  it('knows this process is alive and a never-used pid is not', () => {
    expect(processIsAlive(process.pid)).toBe(true);
    expect(processIsAlive(2 ** 22 + 12345)).toBe(false);
  });
});
