import { plannedEvaluations } from '../optimizers/bracket-plan.js';
import type { RestoredConfig, ScheduledJob, Scheduler, SchedulerContext } from './scheduler.js';
import { SuccessiveHalvingIteration } from './successive-halving-iteration.js';
import type { ConfigId } from './types.js';

/**
 * hpbandster's schedule: successive-halving iterations with rung barriers, several in flight at
 * once. The next runnable job of the oldest active iteration goes first, and when every active
 * iteration waits at a barrier a new one starts (hpbandster's `Master.run`).
 *
 * A resumed search replays this schedule: it is deterministic given the logged configurations,
 * so {@link restore} takes nothing over and the search finds each logged result as the job is
 * handed out again.
 */
export class SynchronousBracketsScheduler implements Scheduler {
  private readonly iterations: SuccessiveHalvingIteration[] = [];
  private active: SuccessiveHalvingIteration[] = [];

  constructor(private readonly context: SchedulerContext) {}

  /** Iterations needed to hold configurations `configIds` (iteration i's ids are `[iterationOffset + i, stage, index]`). */
  static iterationsHolding(iterationOffset: number, configIds: readonly ConfigId[]): number {
    let held = 0;
    for (const configId of configIds) held = Math.max(held, configId[0] - iterationOffset + 1);
    return held;
  }

  get isFinished(): boolean {
    return this.iterations.length >= this.context.nIterations && this.active.every((iteration) => iteration.isFinished);
  }

  nextJob(): ScheduledJob | null {
    for (;;) {
      let sawFinished = false;
      for (const iteration of this.active) {
        const job = iteration.nextJob();
        if (job) return job;
        if (iteration.isFinished) sawFinished = true;
      }
      if (sawFinished) this.retireFinished();
      if (this.iterations.length >= this.context.nIterations) return null;
      const planIteration = this.iterations.length;
      const iteration = new SuccessiveHalvingIteration(
        this.context.iterationOffset + planIteration,
        this.context.plan.bracket(planIteration),
        this.context.source,
        { planIteration, promotions: this.context.plan.promotions },
      );
      this.iterations.push(iteration);
      this.active.push(iteration);
    }
  }

  registerResult(configId: ConfigId, budget: number, loss: number | null): void {
    this.iterationOf(configId).registerResult(configId, budget, loss);
  }

  requeue(configId: ConfigId): void {
    this.iterationOf(configId).requeue(configId);
  }

  restore(): readonly RestoredConfig[] {
    return [];
  }

  plannedEvaluations(): number {
    return plannedEvaluations(this.context.plan, this.context.nIterations);
  }

  private retireFinished(): void {
    for (const iteration of this.active) if (iteration.isFinished) this.context.onIterationFinished?.(iteration.index);
    this.active = this.active.filter((iteration) => !iteration.isFinished);
  }

  private iterationOf(configId: ConfigId): SuccessiveHalvingIteration {
    const iteration = this.iterations[configId[0] - this.context.iterationOffset];
    if (!iteration) throw new RangeError(`no iteration ${configId[0]} in this search (config ${configId.join('-')})`);
    return iteration;
  }
}
