// Why a .lossbook document cannot be opened or saved, written for the user. Shared by the format
// (./format.ts) and the migrations (./migrations.ts), which import it from here rather than from
// each other.
import type { z } from 'zod';

export type NotebookFormatErrorReason =
  | 'not-json'
  | 'truncated'
  | 'not-a-notebook'
  | 'invalid'
  | 'newer-version'
  | 'unknown-version'
  | 'too-large'
  | 'too-deep';

/** A document that cannot be opened; `message` is written for the user and says why. */
export class NotebookFormatError extends Error {
  override readonly name = 'NotebookFormatError';
  constructor(
    readonly reason: NotebookFormatErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** The first few problems zod found, as one line for the user. */
export function describeIssues(error: z.ZodError): string {
  const issues = error.issues.slice(0, 3).map((issue) => `${issue.path.length ? issue.path.join('.') : 'document'}: ${issue.message}`);
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more problems)` : '';
  return issues.join('; ') + more;
}
