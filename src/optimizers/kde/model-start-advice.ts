import type { ConfigurationSpace } from '../../space/configuration-space.js';
import type { BracketPlan } from '../bracket-plan.js';
import { BOHB_MODEL_DEFAULTS, HIGH_DIMENSIONAL_MIN_POINTS, type BohbModelOptions } from './bohb-generator.js';

/**
 * The results one budget needs before hpbandster's rule lets BOHB build a model there: at least
 * `minPointsInModel` (≥ d+1), with a good set of max(minPoints, top n%) points and a bad set of
 * the rest, both with more than d points.
 */
export function hpbandsterModelStart(dimension: number, options: BohbModelOptions = {}): number {
  const minPoints = Math.max(options.minPointsInModel ?? dimension + 1, dimension + 1);
  const topNPercent = options.topNPercent ?? BOHB_MODEL_DEFAULTS.topNPercent;
  for (let n = minPoints; ; n++) {
    const nGood = Math.max(minPoints, Math.floor((topNPercent * n) / 100));
    const nBad = Math.min(n - nGood, Math.max(minPoints, Math.floor(((100 - topNPercent) * n) / 100)));
    if (nGood > dimension && nBad > dimension) return n;
  }
}

/** Results the plan's first `nIterations` iterations evaluate at each budget, when nothing fails. */
export function resultsPerBudget(plan: BracketPlan, nIterations: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < nIterations; i++) {
    const bracket = plan.bracket(i);
    bracket.budgets.forEach((budget, k) => counts.set(budget, (counts.get(budget) ?? 0) + bracket.nConfigs[k]));
  }
  return counts;
}

/**
 * The recommendation BOHB's factory prints (as a search 'warning') when hpbandster's d+1 rule will
 * keep the model off for the whole search (no budget ever gets enough results, so every
 * configuration is sampled at random) or for more than three quarters of it. Undefined when the
 * model starts earlier, or when the `highDimensional` option is already on. (Warm-start results,
 * which the plan does not know, may start it earlier.)
 */
export function modelStartAdvice(
  space: ConfigurationSpace,
  plan: BracketPlan,
  nIterations: number,
  options: BohbModelOptions,
): string | undefined {
  if (options.highDimensional || nIterations === 0) return undefined;
  const d = space.dimension;
  const needed = hpbandsterModelStart(d, options);
  const counts = new Map<number, number>();
  let startsAt: number | undefined;
  for (let i = 0; i < nIterations && startsAt === undefined; i++) {
    const bracket = plan.bracket(i);
    bracket.budgets.forEach((budget, k) => counts.set(budget, (counts.get(budget) ?? 0) + bracket.nConfigs[k]));
    if (Math.max(...counts.values()) >= needed) startsAt = i;
  }
  if (startsAt !== undefined && startsAt < (3 * nIterations) / 4) return undefined;
  const most = Math.max(0, ...resultsPerBudget(plan, nIterations).values());
  const when =
    startsAt === undefined
      ? `will stay off for the whole search: ${nIterations} iterations give at most ${most} results on any budget, so every configuration is sampled at random`
      : `stays off until iteration ${startsAt} of ${nIterations}: until then every configuration is sampled at random`;
  return (
    `BOHB's model ${when} (hpbandster's rule needs ${needed} results on one budget, more than d = ${d} good and bad points each). ` +
    `Set model: { highDimensional: true } (an early model after ${Math.min(d + 1, HIGH_DIMENSIONAL_MIN_POINTS)} results, over the ` +
    `hyperparameters the good configurations use) or use optimizer 'dehb', which needs no warm-up.`
  );
}
