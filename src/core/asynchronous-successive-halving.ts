import { plannedEvaluations, type BracketPlan } from '../optimizers/bracket-plan.js';
import type { BudgetLadder } from '../optimizers/budgets.js';
import type { Proposal } from '../optimizers/config-generator.js';
import { BinaryHeap } from './binary-heap.js';
import { FifoQueue } from './fifo-queue.js';
import type { ConfigSource, RestoredConfig, ScheduledJob, Scheduler, SchedulerContext } from './scheduler.js';
import { configIdKey, type ConfigId, type Configuration } from './types.js';

interface AshaConfig {
  readonly configId: ConfigId;
  readonly config: Configuration;
  /** Highest rung this configuration has been handed out for. */
  highestRung: number;
  running: boolean;
}

/** A successful result at a rung; `order` (arrival at the rung) breaks ties, as a stable sort of the arrivals did. */
interface RungEntry {
  readonly config: AshaConfig;
  readonly loss: number;
  readonly order: number;
}

const byLoss = (a: RungEntry, b: RungEntry): number => a.loss - b.loss || a.order - b.order;

/**
 * One rung's ranking, kept up to date as results arrive so that finding a promotion costs
 * O(log n), not a sort of every result at every call (which made a long search quadratic):
 *
 * - `top` (a max-heap) holds the best ⌊recorded/η⌋ successful results — ASHA's quota counts
 *   every result, failures included — and `rest` (a min-heap) the others;
 * - `waiting` (a min-heap) holds the successful results not promoted yet; promoted ones leave it
 *   lazily, when they reach its top.
 *
 * The best waiting result is promotable exactly when it is within the quota, i.e. not worse than
 * the worst of `top`: the same decision as ranking every result and scanning the top ⌊n/η⌋.
 */
class RungRanking {
  private recorded = 0;
  private readonly top = new BinaryHeap<RungEntry>((a, b) => byLoss(b, a));
  private readonly rest = new BinaryHeap<RungEntry>(byLoss);
  private readonly waiting = new BinaryHeap<RungEntry>(byLoss);

  constructor(
    private readonly rung: number,
    private readonly eta: number,
  ) {}

  /** A result at this rung; `loss` null (or not finite) is a failure, which only counts towards the quota. */
  record(config: AshaConfig, loss: number | null): void {
    const order = this.recorded++;
    if (loss !== null && Number.isFinite(loss)) {
      const entry: RungEntry = { config, loss, order };
      const worstOfTop = this.top.peek();
      if (worstOfTop !== undefined && byLoss(entry, worstOfTop) < 0) {
        this.top.push(entry);
        this.rest.push(this.top.pop()!);
      } else {
        this.rest.push(entry);
      }
      this.waiting.push(entry);
    }
    const quota = Math.floor(this.recorded / this.eta);
    while (this.top.size < quota && this.rest.size > 0) this.top.push(this.rest.pop()!);
  }

  /** The best configuration in the quota that has not moved up yet, if any. */
  promotable(): AshaConfig | undefined {
    let best = this.waiting.peek();
    // Promoted configurations leave the waiting heap once they reach its top. (A configuration with
    // a result at this rung runs again only once promoted: its highest rung is then above this one.)
    while (best !== undefined && best.config.highestRung !== this.rung) {
      this.waiting.pop();
      best = this.waiting.peek();
    }
    const worstOfTop = this.top.peek();
    if (best === undefined || worstOfTop === undefined || byLoss(best, worstOfTop) > 0) return undefined;
    return best.config;
  }
}

/**
 * Asynchronous successive halving (ASHA; Li et al., "A System for Massively Parallel
 * Hyperparameter Tuning", 2018): no rung barrier. Whenever a worker is free, the highest rung
 * that has a configuration in the top 1/η of the results seen so far at that rung, and not yet
 * promoted, promotes it; otherwise a new configuration starts at the lowest rung. With BOHB's
 * generator proposing the new configurations this is Syne Tune's asynchronous BOHB.
 *
 * Ids stay hpbandster's: new configurations are numbered `[iteration, 0, index]` in batches of
 * the size of Hyperband's largest first rung, so hpbandster's tools read the log. The search
 * ends after as many new configurations as the synchronous plan would sample, once no running
 * job can promote anything more.
 */
export class AsynchronousSuccessiveHalving implements Scheduler {
  private readonly configs = new Map<string, AshaConfig>();
  /** Per rung but the last, the ranking of its results (see {@link RungRanking}). */
  private readonly rankings: RungRanking[];
  private readonly rerun = new FifoQueue<AshaConfig>();
  private created = 0;
  private running = 0;
  private readonly ladder: BudgetLadder;
  /** New configurations are numbered in batches of the size of Hyperband's largest first rung. */
  private readonly batchSize: number;
  /** As many new configurations as the synchronous plan would sample. */
  private readonly maxNewConfigs: number;
  private readonly iterationOffset: number;
  private readonly source: ConfigSource;

  constructor(private readonly context: SchedulerContext) {
    const { plan, nIterations } = context;
    this.ladder = plan.ladder;
    this.batchSize = plan.bracket(0).nConfigs[0];
    let newConfigs = 0;
    for (let i = 0; i < nIterations; i++) newConfigs += plan.bracket(i).nConfigs[0];
    this.maxNewConfigs = newConfigs;
    this.iterationOffset = context.iterationOffset;
    this.source = context.source;
    this.rankings = this.ladder.budgets.map((_, rung) => new RungRanking(rung, this.ladder.eta));
  }

  /**
   * Iterations needed to hold configurations `configIds`: new configurations are numbered in
   * batches of the first iteration's first rung, and `n` iterations sample as many as the first
   * rungs of the plan's first `n` iterations.
   */
  static iterationsHolding(plan: BracketPlan, iterationOffset: number, configIds: readonly ConfigId[]): number {
    const batchSize = plan.bracket(0).nConfigs[0];
    let created = 0;
    for (const configId of configIds) created = Math.max(created, (configId[0] - iterationOffset) * batchSize + configId[2] + 1);
    let iterations = 0;
    for (let sampled = 0; sampled < created; iterations++) sampled += Math.max(1, plan.bracket(iterations).nConfigs[0]);
    return iterations;
  }

  get isFinished(): boolean {
    return this.running === 0 && this.rerun.length === 0 && this.created >= this.maxNewConfigs && this.promotable() === undefined;
  }

  nextJob(): ScheduledJob | null {
    const again = this.rerun.shift();
    if (again) return this.handOut(again, again.highestRung);
    const promotion = this.promotable();
    if (promotion) return this.handOut(promotion.config, promotion.rung);
    if (this.created >= this.maxNewConfigs) return null;
    const index = this.created++;
    const configId: ConfigId = [this.iterationOffset + Math.floor(index / this.batchSize), 0, index % this.batchSize];
    const proposal: Proposal = this.source(configId, this.ladder.budgets[0]);
    const entry: AshaConfig = { configId, config: proposal.config, highestRung: 0, running: false };
    this.configs.set(configIdKey(configId), entry);
    return this.handOut(entry, 0);
  }

  registerResult(configId: ConfigId, budget: number, loss: number | null): void {
    const entry = this.configs.get(configIdKey(configId));
    const rung = this.ladder.budgets.indexOf(budget);
    if (!entry?.running || rung !== entry.highestRung) {
      throw new Error(
        `asynchronous successive halving was given a result for ${configIdKey(configId)} at budget ${budget} that it did not hand out`,
      );
    }
    entry.running = false;
    this.running--;
    this.record(entry, rung, loss);
  }

  requeue(configId: ConfigId): void {
    const entry = this.configs.get(configIdKey(configId));
    if (entry?.running) {
      entry.running = false;
      this.running--;
      this.rerun.push(entry);
    }
  }

  /**
   * ASHA's decisions depend on the order results arrived, so a resumed search restores the rungs
   * from the log (in log order) instead of replaying the schedule. A configuration whose
   * evaluation was lost is evaluated again at the rung it had reached. Takes over every
   * configuration given.
   */
  restore(restored: readonly RestoredConfig[]): readonly RestoredConfig[] {
    for (const { configId, config, runs } of restored) {
      const entry: AshaConfig = { configId, config, highestRung: 0, running: false };
      this.configs.set(configIdKey(configId), entry);
      const index = (configId[0] - this.iterationOffset) * this.batchSize + configId[2];
      this.created = Math.max(this.created, index + 1);
      for (const result of [...runs].sort((a, b) => a.budget - b.budget)) {
        const rung = this.ladder.budgets.indexOf(result.budget);
        if (rung < 0) continue;
        entry.highestRung = Math.max(entry.highestRung, rung);
        this.record(entry, rung, result.loss);
      }
      if (runs.length === 0) this.rerun.push(entry);
    }
    return restored;
  }

  /** The synchronous plan's count: ASHA samples as many new configurations, and promotes about as many. */
  plannedEvaluations(): number {
    return plannedEvaluations(this.context.plan, this.context.nIterations);
  }

  private record(entry: AshaConfig, rung: number, loss: number | null): void {
    this.rankings[rung].record(entry, loss);
  }

  private handOut(entry: AshaConfig, rung: number): ScheduledJob {
    entry.highestRung = rung;
    entry.running = true;
    this.running++;
    return { configId: entry.configId, config: entry.config, budget: this.ladder.budgets[rung] };
  }

  /** The best not-yet-promoted configuration in the top 1/η of the highest rung that has one: O(rungs · log n). */
  private promotable(): { config: AshaConfig; rung: number } | undefined {
    for (let rung = this.ladder.budgets.length - 2; rung >= 0; rung--) {
      const candidate = this.rankings[rung].promotable();
      if (candidate) return { config: candidate, rung: rung + 1 };
    }
    return undefined;
  }
}
