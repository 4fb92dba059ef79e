import type { BracketPlan } from './bracket-plan.js';
import { PLAN_SIZE_LIMIT } from './budgets.js';
import { PlanTooLargeError } from './plan-error.js';

export { PlanTooLargeError, type PlanScope } from './plan-error.js';

/** How a refusal ends: the way to lift the limit (a service, which allows no override, removes it). */
export const OVERRIDE_HINT = '; options.allowLargePlan lifts the limit';

/**
 * Counts the evaluations `nIterations` iterations of `plan` schedule when nothing fails, and
 * refuses a plan beyond {@link PLAN_SIZE_LIMIT} unless `allowLargePlan`. The count stops as soon
 * as it passes the bound, so a search of a billion iterations is refused without a billion steps.
 *
 * Override or not, a rung whose size is not a safe integer (an η near 1 over a wide budget range
 * gives η^1000) is refused: such a plan cannot even be counted.
 *
 * @returns the plan's evaluations.
 * @throws PlanTooLargeError naming the options to change.
 */
export function checkPlanSize(plan: BracketPlan, nIterations: number, allowLargePlan = false): number {
  const limit = allowLargePlan ? Number.POSITIVE_INFINITY : PLAN_SIZE_LIMIT;
  const { minBudget, maxBudget, eta } = plan.ladder;
  const described = `budgets ${minBudget} … ${maxBudget}, eta ${eta}`;
  let total = 0;
  for (let iteration = 0; iteration < nIterations; iteration++) {
    let inIteration = 0;
    for (const nConfigs of plan.bracket(iteration).nConfigs) {
      if (!Number.isSafeInteger(nConfigs) || nConfigs < 0) {
        throw new PlanTooLargeError(
          'iteration',
          Number.POSITIVE_INFINITY,
          `iteration ${iteration} of this plan (${described}) has a rung of ${nConfigs} configurations, which cannot be counted, even with options.allowLargePlan: raise options.eta or narrow options.minBudget … options.maxBudget`,
        );
      }
      inIteration += nConfigs;
    }
    if (inIteration > limit) {
      throw new PlanTooLargeError(
        'iteration',
        inIteration,
        `one iteration of this plan (${described}) holds ${inIteration} evaluations, more than the limit of ${PLAN_SIZE_LIMIT}: raise options.eta or narrow options.minBudget … options.maxBudget${OVERRIDE_HINT}`,
      );
    }
    total += inIteration;
    if (total > limit) {
      const counted = iteration + 1 === nIterations ? `${total}` : `at least ${total}`;
      throw new PlanTooLargeError(
        'search',
        total,
        `options.nIterations = ${nIterations} iterations of this plan (${described}) hold ${counted} evaluations, more than the limit of ${PLAN_SIZE_LIMIT}: lower options.nIterations${OVERRIDE_HINT}`,
      );
    }
  }
  return total;
}
