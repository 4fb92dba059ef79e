/**
 * The exit statuses of the `bandster` command, so that scripts can tell what happened without
 * reading the output (listed in the README). 130 and 143 follow the shell's 128 + signal number.
 */
export const EXIT_CODES = Object.freeze({
  /** Done: a search finished (or was planned empty) with at least one evaluation that has a loss. */
  ok: 0,
  /** A bug in bandster (or an error thrown outside any job): the stack is printed. Node's own status for an uncaught error. */
  internalError: 1,
  /** An error the user can fix: a bad flag, file or option, a locked or foreign run directory, a plan too large (`error: …`). */
  userError: 2,
  /** The search ran to its end, but every evaluation failed: there is no loss to rank (results.json says why each failed). */
  allFailed: 3,
  /** An objective running in bandster's own thread ended the process with `process.exit()` while jobs were running. */
  objectiveExited: 4,
  /** Stopped by Ctrl-C (SIGINT): after the running jobs, or at once on a second one. `--resume` continues. */
  interrupted: 130,
  /** Stopped by SIGTERM, likewise. */
  terminated: 143,
});

/** The status of a search stopped by `signal` (SIGINT → 130, SIGTERM → 143). */
export function signalExitCode(signal: string): number {
  return signal === 'SIGTERM' ? EXIT_CODES.terminated : EXIT_CODES.interrupted;
}
