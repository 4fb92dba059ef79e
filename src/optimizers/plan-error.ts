import { BandsterError } from '../core/errors.js';

/**
 * Where a plan is too large: one successive-halving iteration already (the budget ladder is too
 * fine: narrow the budgets or raise η), or the search as a whole (fewer iterations).
 */
export type PlanScope = 'iteration' | 'search';

/**
 * A search's plan is larger than bandster plans without being told to (`allowLargePlan`), or larger
 * than it can hold at all (see `PLAN_SIZE_LIMIT` and `MAX_RUNGS` in budgets.ts). Code
 * `ERR_PLAN_TOO_LARGE`; the message names the options to change.
 */
export class PlanTooLargeError extends BandsterError {
  declare readonly code: 'ERR_PLAN_TOO_LARGE';
  constructor(
    /** One iteration, or the whole search. */
    readonly scope: PlanScope,
    /** Evaluations counted when the plan was refused: its size, or at least this many. */
    readonly evaluations: number,
    message: string,
  ) {
    super('ERR_PLAN_TOO_LARGE', message);
  }
}
