import { budgetLadder, bracketWithS, hyperbandBracket, randomSearchBracket, type Bracket, type BudgetLadder } from './budgets.js';
import type { PromotionRule } from './promotion.js';

/** Which budgets and how many configurations each successive-halving iteration uses. */
export interface BracketPlan {
  /** What the plan is called in logs and messages, e.g. 'hyperband'. */
  readonly name: string;
  readonly ladder: BudgetLadder;
  /** The rungs of iteration `iteration` (0-based). */
  bracket(iteration: number): Bracket;
  /**
   * Who runs at the next rung of a synchronous bracket once a rung is finished; slots it leaves
   * empty get new configurations from the generator. Absent: successive halving's top-k
   * ({@link promoteTopK}). Asynchronous successive halving promotes by its own rule and ignores it.
   */
  readonly promotions?: PromotionRule;
}

export interface BudgetOptions {
  /** Smallest budget a configuration is evaluated with. */
  readonly minBudget: number;
  /** Largest budget; the incumbent is the best configuration at this budget. */
  readonly maxBudget: number;
  /** Successive-halving rate: keep the best 1/η of each rung, η× the budget. */
  readonly eta: number;
}

/** Hyperband: iterations cycle through brackets from the most aggressive (s = max) down to s = 0. */
export function hyperbandPlan(options: BudgetOptions): BracketPlan {
  const ladder = budgetLadder(options.minBudget, options.maxBudget, options.eta);
  return { name: 'hyperband', ladder, bracket: (iteration) => hyperbandBracket(ladder, iteration) };
}

/** Successive halving: every iteration is the most aggressive bracket, from minBudget to maxBudget. */
export function successiveHalvingPlan(options: BudgetOptions): BracketPlan {
  const ladder = budgetLadder(options.minBudget, options.maxBudget, options.eta);
  const bracket = bracketWithS(ladder, ladder.maxSHIter - 1);
  return { name: 'successive-halving', ladder, bracket: () => bracket };
}

/** Random search as hpbandster runs it: one rung at maxBudget, Hyperband's iteration cost per iteration. */
export function randomSearchPlan(options: BudgetOptions): BracketPlan {
  const ladder = budgetLadder(options.minBudget, options.maxBudget, options.eta);
  const bracket = randomSearchBracket(ladder);
  return { name: 'random-search', ladder, bracket: () => bracket };
}

/** Evaluations the first `nIterations` iterations of a plan schedule when nothing fails. */
export function plannedEvaluations(plan: BracketPlan, nIterations: number): number {
  let total = 0;
  for (let i = 0; i < nIterations; i++) for (const n of plan.bracket(i).nConfigs) total += n;
  return total;
}
