import type { ConfigId } from '../core/types.js';
import type { Bracket } from './budgets.js';

/** A rung whose jobs are all back, as a plan's promotion rule sees it. */
export interface FinishedRung {
  /** The plan's iteration, 0-based for this search. */
  readonly iteration: number;
  /** The rung that finished; the decision is about rung `stage + 1`. */
  readonly stage: number;
  readonly bracket: Bracket;
  /** Every result of the rung, in the order its configurations were created; loss null = failed. */
  readonly results: readonly { readonly configId: ConfigId; readonly loss: number | null }[];
}

/**
 * Decides which configurations of a finished rung run at the next rung. The next rung has
 * `bracket.nConfigs[stage + 1]` slots; those the rule leaves empty get new configurations from the
 * generator, proposed at the next rung's budget (hpbandster numbers them `[iteration, stage, k]`).
 */
export type PromotionRule = (rung: FinishedRung) => readonly ConfigId[];

/**
 * Successive halving's rule: the best `bracket.nConfigs[stage + 1]` that did not fail, ties to
 * the one created first. Failed configurations (and non-finite losses, which sort arbitrarily) are never promoted (hpbandster ranks them +∞ and
 * promotes them when a rung has too few successes; their slots are refilled instead).
 */
export const promoteTopK: PromotionRule = (rung) => {
  const count = rung.bracket.nConfigs[rung.stage + 1] ?? 0;
  return rung.results
    .map((result, order) => ({ result, order }))
    .filter(
      (entry): entry is { result: { configId: ConfigId; loss: number }; order: number } =>
        entry.result.loss !== null && Number.isFinite(entry.result.loss),
    )
    .sort((a, b) => a.result.loss - b.result.loss || a.order - b.order)
    .slice(0, count)
    .map((entry) => entry.result.configId);
};
