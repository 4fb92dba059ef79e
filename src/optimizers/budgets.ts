/**
 * All of Hyperband's budget arithmetic, in one pure module. hpbandster copied this
 * arithmetic into three optimizer files and one copy drifted; every plan here calls
 * these functions instead.
 */
import { InvalidOptionError } from '../core/errors.js';
import { PlanTooLargeError } from './plan-error.js';

/**
 * The largest search bandster plans unless told that it is meant (`SearchOptions.allowLargePlan`,
 * `bandster run --allow-large-plan`): at most this many evaluations over all its iterations, when
 * nothing fails. One bound for the library, the CLI and `bandster serve` (which allows no
 * override): a plan of millions of evaluations is almost always a typo in the budgets or η
 * (1 … 1e6 with η = 3 plans 6.9 million in one iteration), and its bookkeeping alone takes
 * memory proportional to one iteration's configurations.
 */
export const PLAN_SIZE_LIMIT = 1_000_000;

/**
 * The most budgets (rungs) a ladder may have, override or not: the ladder is built before anything
 * else, and a budget ratio of 1e600 over η = 3 means 1,258 rungs whose first one counts 3^1257
 * configurations (V8 died allocating them). No plan anybody means comes near: η = 2 from 1 to 2^99.
 */
export const MAX_RUNGS = 100;

/** Budget ladder shared by every iteration of a Hyperband-style search. */
export interface BudgetLadder {
  readonly minBudget: number;
  readonly maxBudget: number;
  readonly eta: number;
  /** hpbandster's `max_SH_iter`: the number of rungs of the most aggressive bracket. */
  readonly maxSHIter: number;
  /** Budgets from smallest to largest: `max · η^-(maxSHIter-1) … max · η^0`. */
  readonly budgets: readonly number[];
}

/** The rungs of one successive-halving iteration. */
export interface Bracket {
  /** Number of configurations evaluated at each rung. */
  readonly nConfigs: readonly number[];
  /** Budget of each rung. */
  readonly budgets: readonly number[];
}

export function validateBudgetOptions(minBudget: number, maxBudget: number, eta: number): void {
  if (!(typeof eta === 'number' && eta > 1 && Number.isFinite(eta))) {
    throw new InvalidOptionError(`options.eta must be a number > 1 (got ${eta})`);
  }
  if (!(typeof minBudget === 'number' && minBudget > 0 && Number.isFinite(minBudget))) {
    throw new InvalidOptionError(`options.minBudget must be a number > 0 (got ${minBudget})`);
  }
  if (!(typeof maxBudget === 'number' && Number.isFinite(maxBudget) && maxBudget >= minBudget)) {
    throw new InvalidOptionError(`options.maxBudget must be a number >= minBudget (got maxBudget=${maxBudget}, minBudget=${minBudget})`);
  }
}

/**
 * hpbandster: `max_SH_iter = -int(log(min/max)/log(eta)) + 1` and
 * `budgets = max * eta^-linspace(max_SH_iter-1, 0, max_SH_iter)`. The truncation of a
 * floating-point quotient is reproduced as is (e.g. 1…1000 with η=10 gives 3 rungs,
 * 10…1000, because log(1e-3)/log(10) evaluates to -2.9999999999999996), so that a
 * search logged here has the same budgets as one logged by hpbandster.
 */
export function budgetLadder(minBudget: number, maxBudget: number, eta: number): BudgetLadder {
  validateBudgetOptions(minBudget, maxBudget, eta);
  const maxSHIter = -Math.trunc(Math.log(minBudget / maxBudget) / Math.log(eta)) + 1;
  if (maxSHIter > MAX_RUNGS) {
    throw new PlanTooLargeError(
      'iteration',
      Number.POSITIVE_INFINITY,
      `options.minBudget, options.maxBudget and options.eta give ${maxSHIter} budgets (rungs) from ${minBudget} to ${maxBudget}; a plan may have at most ${MAX_RUNGS}, even with options.allowLargePlan (raise options.eta or narrow the budgets)`,
    );
  }
  const budgets: number[] = [];
  for (let k = maxSHIter - 1; k >= 0; k--) budgets.push(maxBudget * eta ** -k);
  return { minBudget, maxBudget, eta, maxSHIter, budgets };
}

/**
 * Hyperband's bracket for iteration i: `s = max_SH_iter − 1 − (i mod max_SH_iter)`,
 * `n0 = floor(max_SH_iter/(s+1)) · η^s`, `n_k = max(floor(n0 · η^-k), 1)`, budgets the last s+1 rungs.
 */
export function hyperbandBracket(ladder: BudgetLadder, iteration: number): Bracket {
  const s = ladder.maxSHIter - 1 - (iteration % ladder.maxSHIter);
  return bracketWithS(ladder, s);
}

/** The bracket with s+1 rungs (s = maxSHIter − 1 is successive halving's most aggressive one). */
export function bracketWithS(ladder: BudgetLadder, s: number): Bracket {
  const n0 = Math.floor(ladder.maxSHIter / (s + 1)) * ladder.eta ** s;
  const nConfigs: number[] = [];
  for (let k = 0; k <= s; k++) nConfigs.push(Math.max(Math.floor(n0 * ladder.eta ** -k), 1));
  return { nConfigs, budgets: ladder.budgets.slice(ladder.maxSHIter - 1 - s) };
}

/**
 * hpbandster's random search evaluates only at the max budget, as many configurations as
 * Hyperband's iteration budget buys: `floor(Σ_k budgets[max_SH_iter-1-k] · η^k / max_budget)`.
 */
export function randomSearchBracket(ladder: BudgetLadder): Bracket {
  let budgetPerIteration = 0;
  const reversed = [...ladder.budgets].reverse();
  reversed.forEach((budget, k) => {
    budgetPerIteration += budget * ladder.eta ** k;
  });
  return { nConfigs: [Math.floor(budgetPerIteration / ladder.maxBudget)], budgets: [ladder.maxBudget] };
}
