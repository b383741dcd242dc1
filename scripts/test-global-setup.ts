// Tests never write into the user's home: untitled autosaves (recovery copies) and the run store
// (issue 20: every `lossbook run` and browser-mode run is recorded) go to a folder of this test
// run, removed at its end. Set in the main process before the test workers start, so
// every worker (and every kernel or server they start) inherits it. A test that needs its own
// folder or store still sets LOSSBOOK_RECOVERY_DIR / LOSSBOOK_RUNS_DB itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const folder = mkdtempSync(join(tmpdir(), 'lossbook-test-home-'));
  process.env.LOSSBOOK_RECOVERY_DIR ??= join(folder, 'recovery');
  process.env.LOSSBOOK_RUNS_DB ??= join(folder, 'runs.db');
  return () => rmSync(folder, { recursive: true, force: true });
}
