import type { Result } from '../core/result.js';
import type { Search } from '../core/search.js';
import { stopOnSignals } from './cli-values.js';
import { attachProgress } from './progress.js';

/**
 * Runs a search the way every command does: warnings on stderr, progress on a terminal, and
 * Ctrl-C stops after the running jobs (a second one quits at once).
 */
export async function runSearchFromCli(
  search: Search,
  options: { readonly progress?: boolean } = {},
): Promise<{ result: Result; interrupted: boolean }> {
  search.on('warning', ({ message }) => process.stderr.write(`warning: ${message}\n`));
  process.stderr.write(`${describePlan(search)}\n`);
  const stopProgress = options.progress === false ? () => {} : attachProgress(search, search.plannedEvaluations());
  const signal = stopOnSignals();
  try {
    const result = await search.run({ signal });
    return { result, interrupted: signal.aborted };
  } finally {
    stopProgress();
  }
}

/** `plan: 13 evaluations in 1 iteration, budgets 1, 3, 9 (eta 3)`: what the search is about to do. */
export function describePlan(search: Search): string {
  const { evaluations, nIterations, budgets, eta } = search.planSummary();
  const shown = budgets.length > 8 ? [...budgets.slice(0, 3), '…', ...budgets.slice(-3)] : budgets;
  return `plan: ${evaluations} evaluations in ${nIterations} iteration${nIterations === 1 ? '' : 's'}, budgets ${shown.join(', ')} (eta ${eta})`;
}
