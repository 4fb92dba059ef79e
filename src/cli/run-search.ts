import type { Result } from '../core/result.js';
import type { Search } from '../core/search.js';
import { configIdKey } from '../core/types.js';
import { stopOnSignals } from './cli-values.js';
import { EXIT_CODES, signalExitCode } from './exit-codes.js';
import { attachProgress } from './progress.js';
import { printErr } from './terminal-text.js';

/**
 * Runs a search the way every command does: the plan and warnings on stderr, progress on a
 * terminal, Ctrl-C stops after the running jobs (a second one quits at once), and the exit status
 * says how it ended (see exit-codes.ts): 130/143 when stopped by a signal, 3 when every evaluation
 * failed, 4 when an objective ended the process with `process.exit()`, with a message saying so.
 */
export async function runSearchFromCli(
  search: Search,
  options: { readonly progress?: boolean } = {},
): Promise<{ result: Result; interrupted: boolean }> {
  const signal = stopOnSignals();
  search.on('warning', ({ message }) => printErr(`warning: ${message}\n`));
  printErr(`${describePlan(search)}\n`);
  const stopProgress = options.progress === false ? () => {} : attachProgress(search, search.plannedEvaluations());
  const running = new Set<string>();
  search.on('job:submitted', ({ configId, budget }) => running.add(`${configIdKey(configId)} on budget ${budget}`));
  search.on('job:finished', ({ run, restored }) => {
    running.delete(`${configIdKey(run.configId)} on budget ${run.budget}`);
    // An objective whose promise nothing could settle: a bug in it worth a line of its own.
    if (!restored && run.error?.startsWith('never-settled:')) printErr(`warning: ${run.error.slice('never-settled: '.length)}\n`);
  });
  // An objective run in this thread that calls process.exit() ends bandster with it: say so, and
  // exit with a status of its own rather than the objective's (often 0).
  let searching = true;
  const onExit = (code: number): void => {
    if (!searching || (signal.aborted && code === signalExitCode(String((signal.reason as Error)?.message)))) return;
    const jobs = [...running];
    const shown = jobs.length > 5 ? [...jobs.slice(0, 5), `${jobs.length - 5} more`] : jobs;
    printErr(
      `error: the process was ended by process.exit(${code}) while ${jobs.length === 1 ? 'a job' : `${jobs.length} jobs`} ran${shown.length > 0 ? ` (configuration ${shown.join(', ')})` : ''}: an objective must return a loss or throw, never exit. What finished is in the log; run again with --resume to continue.\n`,
    );
    process.exitCode = EXIT_CODES.objectiveExited;
  };
  process.on('exit', onExit);
  try {
    const result = await search.run({ signal });
    const interrupted = signal.aborted;
    if (interrupted) {
      process.exitCode = signalExitCode(String((signal.reason as Error)?.message));
    } else if (result.nRuns > 0 && result.nFailed === result.nRuns) {
      printErr(`error: all ${result.nRuns} evaluations failed: there is no loss to rank (results.json records why each failed)\n`);
      process.exitCode = EXIT_CODES.allFailed;
    }
    return { result, interrupted };
  } finally {
    searching = false;
    process.off('exit', onExit);
    stopProgress();
  }
}

/** `plan: 13 evaluations in 1 iteration, budgets 1, 3, 9 (eta 3)`: what the search is about to do. */
export function describePlan(search: Search): string {
  const { evaluations, nIterations, budgets, eta } = search.planSummary();
  const shown = budgets.length > 8 ? [...budgets.slice(0, 3), '…', ...budgets.slice(-3)] : budgets;
  return `plan: ${evaluations} evaluations in ${nIterations} iteration${nIterations === 1 ? '' : 's'}, budgets ${shown.join(', ')} (eta ${eta})`;
}
