// Restart asks first when it would lose something (issue 21), as Jupyter does — and says what:
// the running cell, the tensors the kernel holds, the variables of the cells that ran. With
// nothing to lose it restarts at once. Kept out of the store: it is a question to the user
// around the store's restart(), which still reports afterwards what was lost.
import { formatBytes } from '../../shared/format-bytes';
import { createConfirmPrompt } from './confirm-prompt';

const restartQuestion = createConfirmPrompt<{ lost: string[] }>();
/** What RestartDialog shows while the question is open. */
export const restartPrompt = restartQuestion.current;

interface RestartableStore {
  busy: boolean;
  kernel: { memory?: { numTensors: number; numBytes: number } };
  cellsRunSinceRestart(): number;
  restart(): Promise<void>;
}

/** What a restart would lose now, one phrase each; empty when nothing. */
export function whatRestartLoses(store: RestartableStore): string[] {
  const lost: string[] = [];
  if (store.busy) lost.push('the cell running now (stopped, its run marked killed)');
  const memory = store.kernel.memory;
  if (memory && memory.numTensors > 0) lost.push(`${memory.numTensors} tensor${memory.numTensors === 1 ? '' : 's'} in kernel memory (${formatBytes(memory.numBytes)})`);
  const ran = store.cellsRunSinceRestart();
  if (ran > 0) lost.push(`the variables of ${ran} cell${ran === 1 ? '' : 's'} that ran (models, data, optimizer state)`);
  return lost;
}

/** The toolbar button, the palette and 0 0 all restart through here. */
export async function requestRestart(store: RestartableStore): Promise<void> {
  const lost = whatRestartLoses(store);
  if (lost.length > 0 && !(await restartQuestion.ask({ lost }))) return;
  await store.restart();
}
