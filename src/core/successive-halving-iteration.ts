import type { Bracket } from '../optimizers/budgets.js';
import type { ConfigSource, ScheduledJob } from './scheduler.js';
import { configIdKey as key, type ConfigId, type ConfigInfo, type Configuration } from './types.js';

type DatumStatus = 'queued' | 'running' | 'review' | 'terminated' | 'done';

interface IterationDatum {
  readonly configId: ConfigId;
  readonly config: Configuration;
  readonly info: ConfigInfo;
  budget: number;
  status: DatumStatus;
  /** Loss at each budget evaluated; null for a failed evaluation. */
  readonly losses: Map<number, number | null>;
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
 */
export class SuccessiveHalvingIteration {
  private stage = 0;
  private readonly createdPerStage: number[];
  private running = 0;
  private readonly data = new Map<string, IterationDatum>();
  /** Queued data in hand-out order, so that a hand-out costs O(1) however large the rung. */
  private readonly queue: IterationDatum[] = [];
  private finished = false;

  constructor(
    readonly index: number,
    private readonly bracket: Bracket,
    private readonly source: ConfigSource,
  ) {
    this.createdPerStage = bracket.nConfigs.map(() => 0);
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
        return { configId: datum.configId, config: datum.config, budget: datum.budget };
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
    const proposal = this.source(configId, budget);
    const datum: IterationDatum = { configId, config: proposal.config, info: proposal.info, budget, status: 'queued', losses: new Map() };
    this.data.set(key(configId), datum);
    this.queue.push(datum);
    this.createdPerStage[this.stage]++;
  }

  private advanceStage(): void {
    const previousBudget = this.bracket.budgets[this.stage];
    this.stage++;
    const inReview = [...this.data.values()].filter((datum) => datum.status === 'review');
    if (this.stage >= this.bracket.nConfigs.length) {
      for (const datum of inReview) datum.status = 'done';
      this.finished = true;
      return;
    }
    const ranked = inReview
      .map((datum, order) => ({ datum, order, loss: datum.losses.get(previousBudget) ?? null }))
      .filter((entry): entry is { datum: IterationDatum; order: number; loss: number } => entry.loss !== null)
      .sort((a, b) => a.loss - b.loss || a.order - b.order);
    const promoted = new Set(ranked.slice(0, this.bracket.nConfigs[this.stage]).map((entry) => entry.datum));
    for (const datum of inReview) {
      if (promoted.has(datum)) {
        datum.status = 'queued';
        datum.budget = this.bracket.budgets[this.stage];
        this.createdPerStage[this.stage]++;
        this.queue.push(datum);
      } else {
        datum.status = 'terminated';
      }
    }
  }
}
