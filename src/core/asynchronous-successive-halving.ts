import { plannedEvaluations, type BracketPlan } from '../optimizers/bracket-plan.js';
import type { BudgetLadder } from '../optimizers/budgets.js';
import type { Proposal } from '../optimizers/config-generator.js';
import type { ConfigSource, RestoredConfig, ScheduledJob, Scheduler, SchedulerContext } from './scheduler.js';
import { configIdKey, type ConfigId, type Configuration } from './types.js';

interface AshaConfig {
  readonly configId: ConfigId;
  readonly config: Configuration;
  /** Loss per rung index; null for a failed evaluation. */
  readonly losses: Map<number, number | null>;
  /** Highest rung this configuration has been handed out for. */
  highestRung: number;
  running: boolean;
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
  /** Per rung, configuration keys in the order their results arrived. */
  private readonly rungResults: string[][];
  private readonly rerun: AshaConfig[] = [];
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
    this.rungResults = this.ladder.budgets.map(() => []);
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
    const entry: AshaConfig = { configId, config: proposal.config, losses: new Map(), highestRung: 0, running: false };
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
      const entry: AshaConfig = { configId, config, losses: new Map(), highestRung: 0, running: false };
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
    entry.losses.set(rung, loss);
    this.rungResults[rung].push(configIdKey(entry.configId));
  }

  private handOut(entry: AshaConfig, rung: number): ScheduledJob {
    entry.highestRung = rung;
    entry.running = true;
    this.running++;
    return { configId: entry.configId, config: entry.config, budget: this.ladder.budgets[rung] };
  }

  /** The best not-yet-promoted configuration in the top 1/η of the highest rung that has one. */
  private promotable(): { config: AshaConfig; rung: number } | undefined {
    const eta = this.ladder.eta;
    for (let rung = this.ladder.budgets.length - 2; rung >= 0; rung--) {
      const finished = this.rungResults[rung]
        .map((key) => this.configs.get(key)!)
        .filter((entry) => entry.losses.get(rung) !== null && entry.losses.get(rung) !== undefined);
      const quota = Math.floor(this.rungResults[rung].length / eta);
      if (quota === 0) continue;
      const ranked = finished.sort((a, b) => (a.losses.get(rung) as number) - (b.losses.get(rung) as number)).slice(0, quota);
      const candidate = ranked.find((entry) => entry.highestRung === rung && !entry.running);
      if (candidate) return { config: candidate, rung: rung + 1 };
    }
    return undefined;
  }
}
