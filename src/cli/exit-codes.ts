// `lossbook` exit codes: stable, documented in docs/cli.md, meant for CI pipelines.
export const EXIT = {
  /** Every cell ran and no finding reached the --fail-on severity. */
  ok: 0,
  /** A cell threw, failed to compile, or the kernel died or could not start. */
  cellFailed: 1,
  /** Bad usage, or the input file could not be opened (the message says why). */
  usage: 2,
  /** A finding at or above the --fail-on severity (dismissed findings do not count). */
  findings: 3,
  /** --timeout elapsed: the run was interrupted; what was gathered is still written. */
  timeout: 4,
  /** Interrupted with Ctrl+C (SIGINT) or SIGTERM; what was gathered is still written. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
