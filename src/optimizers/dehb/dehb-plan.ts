import { hyperbandPlan, type BracketPlan, type BudgetOptions } from '../bracket-plan.js';
import { promoteTopK } from '../promotion.js';

/**
 * DEHB's brackets are Hyperband's (Awad et al. 2021, Algorithm 1). Only the first Hyperband round
 * promotes, as successive halving does, to fill the subpopulations of the higher budgets; from the
 * second round on nobody is promoted: every slot of a higher rung is a new configuration, a mutant
 * the generator breeds from the best of the lower budget's subpopulation (the parent pool).
 *
 * The reference promotes, in its first round, the best of the lower budget's whole subpopulation
 * that is not already in the higher one; here it is the best of the bracket's own finished rung.
 * The two coincide in the first bracket, and differ later only by configurations an earlier
 * bracket of the round already promoted.
 */
export function dehbPlan(options: BudgetOptions): BracketPlan {
  const hyperband = hyperbandPlan(options);
  const firstRound = hyperband.ladder.maxSHIter;
  return {
    name: 'dehb',
    ladder: hyperband.ladder,
    bracket: hyperband.bracket,
    promotions: (rung) => (rung.iteration < firstRound ? promoteTopK(rung) : []),
  };
}
