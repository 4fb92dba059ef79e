import { InvalidOptionError } from '../core/errors.js';
import type { Executor, Job, JobOutcome, Objective, TrialContext } from '../core/types.js';

/**
 * `workers` parallel workers on a virtual clock, for benchmarking parallel searches without
 * waiting: a job takes `duration(job)` virtual time units (its budget by default), and the job
 * that would finish first on real workers is the one that finishes next. Whenever the search has
 * handed out all it can (the event loop is idle), the earliest job (ties: the first submitted) is
 * evaluated and resolved, and the clock moves to its end. Results thus arrive in the order eight
 * real workers would deliver them, at the speed of the objective.
 */
export class SimulatedWorkers implements Executor {
  readonly capacity: number;
  /** Virtual time now: the end of the last job that finished. */
  private clock = 0;
  private submitted = 0;
  private readonly running: { finish: number; order: number; job: Job; resolve: (outcome: JobOutcome) => void }[] = [];
  private scheduled = false;

  constructor(
    private readonly objective: Objective,
    workers: number,
    private readonly duration: (job: Job) => number = (job) => job.budget,
  ) {
    if (!Number.isInteger(workers) || workers < 1) throw new InvalidOptionError(`workers must be an integer >= 1 (got ${workers})`);
    this.capacity = workers;
  }

  /** The virtual time elapsed so far. */
  get now(): number {
    return this.clock;
  }

  submit(job: Job, _signal: AbortSignal): Promise<JobOutcome> {
    return new Promise((resolve) => {
      job.onStart?.();
      this.running.push({ finish: this.clock + this.duration(job), order: this.submitted++, job, resolve });
      this.scheduleCompletion();
    });
  }

  async close(): Promise<void> {}

  private scheduleCompletion(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate runs after the microtasks in which the search reacts to the last result and
    // hands out its next jobs: every job that would start now has been submitted by then.
    setImmediate(() => {
      this.scheduled = false;
      void this.completeEarliest();
    });
  }

  private async completeEarliest(): Promise<void> {
    if (this.running.length === 0) return;
    let next = 0;
    for (let i = 1; i < this.running.length; i++) {
      const a = this.running[i];
      const b = this.running[next];
      if (a.finish < b.finish || (a.finish === b.finish && a.order < b.order)) next = i;
    }
    const [entry] = this.running.splice(next, 1);
    this.clock = entry.finish;
    const ctx: TrialContext = {
      configId: entry.job.configId,
      budget: entry.job.budget,
      signal: new AbortController().signal,
      report: () => {},
    };
    try {
      const value = await this.objective(entry.job.config, entry.job.budget, ctx);
      const loss = typeof value === 'number' ? value : value.loss;
      const info = typeof value === 'number' ? {} : (value.info ?? {});
      entry.resolve({ status: 'ok', loss, info });
    } catch (error) {
      entry.resolve({ status: 'failed', error: { kind: 'threw', message: (error as Error).message } });
    }
    if (this.running.length > 0) this.scheduleCompletion();
  }
}
