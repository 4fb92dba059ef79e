import type { Bracket } from '../optimizers/budgets.js';
import type { Placement } from '../optimizers/config-generator.js';
import { promoteTopK, type PromotionRule } from '../optimizers/promotion.js';
import { FifoQueue } from './fifo-queue.js';
import type { ConfigSource, ScheduledJob } from './scheduler.js';
import { configIdKey as key, type ConfigId, type ConfigInfo, type Configuration } from './types.js';

type DatumStatus = 'queued' | 'running' | 'review' | 'terminated' | 'done';

interface IterationDatum {
  readonly configId: ConfigId;
  readonly config: Configuration;
  readonly info: ConfigInfo;
  budget: number;
  /** Where the configuration runs now (its slot changes when it is promoted). */
  placement: Placement;
  status: DatumStatus;
  /** Loss at each budget evaluated; null for a failed evaluation. */
  readonly losses: Map<number, number | null>;
}

/** Options of a {@link SuccessiveHalvingIteration} beyond its id, bracket and source. */
export interface IterationOptions {
  /** The plan's iteration (0-based for this search), given to generators in each job's placement. @defaultValue index */
  readonly planIteration?: number;
  /** Who moves on when a rung is finished. @defaultValue promoteTopK (successive halving) */
  readonly promotions?: PromotionRule;
}

/**
 * One successive-halving iteration, as hpbandster's `BaseIteration`/`SuccessiveHalving`:
 * configurations are sampled lazily when a slot is asked for, a rung ends when all its jobs
 * are back, and the best 1/η move on.
 *
 * Deviation from hpbandster, on purpose: only non-failed configurations are promoted
 * (hpbandster ranks failures as +∞ and promotes them when a rung has too few successes);
 * a slot left empty is filled with a new configuration sampled at the higher budget, with
 * the id `[iteration, stage, k]` hpbandster gives such configurations.
 *
 * The promotion rule is the plan's: DEHB's plan promotes nobody after its first round, so every
 * slot of a higher rung is a new configuration (a mutant the generator breeds from the lower rung).
 */
export class SuccessiveHalvingIteration {
  private stage = 0;
  private readonly createdPerStage: number[];
  private running = 0;
  private readonly data = new Map<string, IterationDatum>();
  /** Queued data in hand-out order, so that a hand-out costs O(1) however large the rung. */
  private readonly queue = new FifoQueue<IterationDatum>();
  /** The data of the current rung, in the order they were created (what the promotion rule ranks). */
  private rung: IterationDatum[] = [];
  private finished = false;
  private readonly planIteration: number;
  private readonly promotions: PromotionRule;

  constructor(
    readonly index: number,
    private readonly bracket: Bracket,
    private readonly source: ConfigSource,
    options: IterationOptions = {},
  ) {
    this.createdPerStage = bracket.nConfigs.map(() => 0);
    this.planIteration = options.planIteration ?? index;
    this.promotions = options.promotions ?? promoteTopK;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /**
   * The next job to run, or null when the iteration is finished or waits at a rung barrier
   * for running jobs (hpbandster's `get_next_run`).
   */
  nextJob(): ScheduledJob | null {
    for (;;) {
      if (this.finished) return null;
      const datum = this.queue.shift();
      if (datum) {
        datum.status = 'running';
        this.running++;
        return { configId: datum.configId, config: datum.config, budget: datum.budget, placement: datum.placement };
      }
      if (this.createdPerStage[this.stage] < this.bracket.nConfigs[this.stage]) {
        this.addConfiguration();
        continue;
      }
      if (this.running === 0) {
        this.advanceStage();
        continue;
      }
      return null;
    }
  }

  /** Records the outcome of a job handed out by {@link nextJob}; `loss` null means it failed. */
  registerResult(configId: ConfigId, budget: number, loss: number | null): void {
    const datum = this.data.get(key(configId));
    if (datum?.status !== 'running' || datum.budget !== budget) {
      throw new Error(`iteration ${this.index} was given a result for ${key(configId)} at budget ${budget} that it did not hand out`);
    }
    datum.losses.set(budget, loss);
    datum.status = 'review';
    this.running--;
  }

  /** Returns a job handed out but not run (the search stopped) to the queue. */
  requeue(configId: ConfigId): void {
    const datum = this.data.get(key(configId));
    if (datum && datum.status === 'running') {
      datum.status = 'queued';
      this.running--;
      this.queue.unshift(datum);
    }
  }

  private addConfiguration(): void {
    const budget = this.bracket.budgets[this.stage];
    const configId: ConfigId = [this.index, this.stage, this.createdPerStage[this.stage]];
    const placement = this.placementOf(this.createdPerStage[this.stage]);
    const proposal = this.source(configId, budget, placement);
    const datum: IterationDatum = {
      configId,
      config: proposal.config,
      info: proposal.info,
      budget,
      placement,
      status: 'queued',
      losses: new Map(),
    };
    this.data.set(key(configId), datum);
    this.queue.push(datum);
    this.rung.push(datum);
    this.createdPerStage[this.stage]++;
  }

  /** Every job of the rung is back (O(rung) once per rung: O(1) per job). */
  private advanceStage(): void {
    const previousBudget = this.bracket.budgets[this.stage];
    this.stage++;
    // At the barrier every datum of the rung is in review; the rung's list keeps creation order.
    const inReview = this.rung.filter((datum) => datum.status === 'review');
    this.rung = [];
    if (this.stage >= this.bracket.nConfigs.length) {
      for (const datum of inReview) datum.status = 'done';
      this.finished = true;
      return;
    }
    const chosen = this.promotions({
      iteration: this.planIteration,
      stage: this.stage - 1,
      bracket: this.bracket,
      results: inReview.map((datum) => ({ configId: datum.configId, loss: datum.losses.get(previousBudget) ?? null })),
    });
    const byKey = new Map(inReview.map((datum) => [key(datum.configId), datum]));
    const promoted = new Set<IterationDatum>();
    for (const configId of chosen) {
      const datum = byKey.get(key(configId));
      if (!datum || promoted.has(datum) || promoted.size >= this.bracket.nConfigs[this.stage]) {
        throw new Error(
          `iteration ${this.index}: the promotion rule chose ${key(configId)}, which is not a distinct configuration of the finished rung or exceeds its ${this.bracket.nConfigs[this.stage]} slots`,
        );
      }
      promoted.add(datum);
    }
    // Promoted configurations run in the order they were created (hpbandster's), whatever their rank.
    for (const datum of inReview) {
      if (promoted.has(datum)) {
        datum.status = 'queued';
        datum.budget = this.bracket.budgets[this.stage];
        datum.placement = this.placementOf(this.createdPerStage[this.stage]);
        this.createdPerStage[this.stage]++;
        this.queue.push(datum);
        this.rung.push(datum);
      } else {
        datum.status = 'terminated';
      }
    }
  }

  private placementOf(slot: number): Placement {
    return { iteration: this.planIteration, stage: this.stage, slot, bracket: this.bracket };
  }
}
