/**
 * How well a cheap budget predicts an expensive one: Spearman's ρ between the losses of the
 * configurations evaluated on both budgets (hpbandster's `correlation_across_budgets` plot, with
 * rank correlation as the BOHB paper argues for: only the ranking decides promotions).
 */
import { configIdKey, type Run } from '../core/types.js';
import { spearman } from './spearman.js';

/** The rank correlation of the losses on two budgets. */
export interface BudgetPairCorrelation {
  /** The smaller budget. */
  readonly lowerBudget: number;
  /** The larger budget. */
  readonly higherBudget: number;
  /** Configurations with a loss on both budgets. */
  readonly nConfigs: number;
  /** Spearman's ρ over those configurations; NaN when fewer than 3 or when one side is constant. */
  readonly rho: number;
}

/** Correlations between every pair of budgets. */
export interface LossCorrelation {
  /** The budgets with at least one loss, ascending. */
  readonly budgets: number[];
  /** Each budget with the next larger one, in ascending order. */
  readonly consecutive: BudgetPairCorrelation[];
  /** Every pair lower < higher, ordered by lower then higher budget. */
  readonly pairs: BudgetPairCorrelation[];
}

/** Fewer pairs than this give a ρ too noisy to show (with 2 it is always ±1). */
export const MIN_CORRELATION_PAIRS = 3;

/**
 * Spearman's ρ between the losses on each pair of budgets, over the configurations that have a
 * loss on both. A configuration with several runs on one budget counts with its last one (hpbandster
 * keeps one result per budget; later ones overwrite). Failed runs and NaN losses are left out.
 * @param runs - runs in the order they happened (e.g. `Result.allRuns()`).
 */
export function lossCorrelationAcrossBudgets(runs: readonly Run[]): LossCorrelation {
  const lossesByBudget = new Map<number, Map<string, number>>();
  for (const run of runs) {
    if (run.loss === null || Number.isNaN(run.loss)) continue;
    let losses = lossesByBudget.get(run.budget);
    if (losses === undefined) lossesByBudget.set(run.budget, (losses = new Map()));
    losses.set(configIdKey(run.configId), run.loss);
  }
  const budgets = [...lossesByBudget.keys()].sort((a, b) => a - b);
  const correlate = (lowerBudget: number, higherBudget: number): BudgetPairCorrelation => {
    const lower = lossesByBudget.get(lowerBudget)!;
    const higher = lossesByBudget.get(higherBudget)!;
    const x: number[] = [];
    const y: number[] = [];
    for (const [key, loss] of lower) {
      const other = higher.get(key);
      if (other === undefined) continue;
      x.push(loss);
      y.push(other);
    }
    const rho = x.length < MIN_CORRELATION_PAIRS ? Number.NaN : spearman(x, y);
    return { lowerBudget, higherBudget, nConfigs: x.length, rho };
  };
  const pairs: BudgetPairCorrelation[] = [];
  for (let i = 0; i < budgets.length; i++) for (let j = i + 1; j < budgets.length; j++) pairs.push(correlate(budgets[i], budgets[j]));
  const consecutive = budgets
    .slice(1)
    .map((budget, i) => pairs.find((pair) => pair.lowerBudget === budgets[i] && pair.higherBudget === budget)!);
  return { budgets, consecutive, pairs };
}
