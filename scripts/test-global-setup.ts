// Tests never write into the user's home: untitled autosaves (recovery copies) go to a folder of
// this test run, removed at its end. Set in the main process before the test workers start, so
// every worker (and every kernel or server they start) inherits it. A test that needs its own
// folder still sets LOSSBOOK_RECOVERY_DIR itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const folder = mkdtempSync(join(tmpdir(), 'lossbook-test-home-'));
  process.env.LOSSBOOK_RECOVERY_DIR ??= join(folder, 'recovery');
  return () => rmSync(folder, { recursive: true, force: true });
}
