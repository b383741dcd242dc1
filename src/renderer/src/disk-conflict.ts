// Saving over a file another program changed since this page opened or saved it (issue 20's
// `lossbook runs compare --into`, git, another window) asks first: the host refuses such a save
// ('changed-on-disk', api-host.ts) and this question decides whether to write anyway. Nothing of
// the other version is lost without the user saying so.
import { createConfirmPrompt } from './confirm-prompt';

/** `name`: the file's name, for the question. */
const overwriteQuestion = createConfirmPrompt<{ name: string }>();
/** What DiskConflictDialog shows while the question is open. */
export const diskConflictPrompt = overwriteQuestion.current;

/** Whether a failed save was refused because the file changed on disk. */
export function isChangedOnDisk(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === 'changed-on-disk';
}

/** Ask whether to replace the file on disk with this page's version; false on Cancel / Esc. */
export function askOverwrite(name: string): Promise<boolean> {
  return overwriteQuestion.ask({ name });
}
