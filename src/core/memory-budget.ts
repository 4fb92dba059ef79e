import type { Admission, AdmissionRule, AdmittedJob } from './admission.js';
import { checkFunction, checkNumber, checkObject, invalidOption } from './option-checks.js';
import type { ScheduledJob } from './scheduler.js';
import type { Configuration, JobOutcome } from './types.js';

/** Options of a {@link MemoryBudget}. */
export interface MemoryBudgetOptions {
  /** MB the process may hold: what it holds before any job plus the predicted peaks of the jobs running at once. */
  readonly budgetMb: number;
  /** MB the process holds before any job runs (the runtime, the data). @defaultValue 0 */
  readonly baselineMb?: number;
  /**
   * Predicted peak MB of one job of `config` on `budget` in `profile`, above the baseline (for the
   * segmentation trainer: backends/memory-model.ts).
   */
  readonly demand: (config: Configuration, budget: number, profile: string) => number;
  /**
   * Memory profiles from the fastest to the most frugal; a job runs in the first whose predicted
   * peak fits the budget alone, and one that ran out of memory is retried once in the next.
   * @defaultValue ['standard', 'frugal']
   */
  readonly profiles?: readonly string[];
}

/** MB as the messages print them. */
function mb(value: number): string {
  return value >= 1024 ? `${(value / 1024).toFixed(2)} GB` : `${Math.round(value)} MB`;
}

/**
 * An admission rule for a memory budget: queued jobs start while the baseline plus the predicted
 * peaks of the running jobs and the next one fit (fewer jobs at once rather than a crash). A job
 * whose peak would not fit alone in the first profile runs in the first profile where it does (and
 * the search says so); one that fits in none is a recorded failure with the reason; one that runs
 * out of memory all the same is retried once in the next profile. The profile reaches the objective
 * as `ctx.hints.profile`.
 */
export class MemoryBudget implements AdmissionRule {
  readonly budgetMb: number;
  readonly baselineMb: number;
  readonly profiles: readonly string[];
  private readonly demand: MemoryBudgetOptions['demand'];

  constructor(options: MemoryBudgetOptions) {
    checkObject(options, 'options');
    this.budgetMb = checkNumber(options.budgetMb, 'options.budgetMb', { min: 0, minExclusive: true, finite: true });
    this.baselineMb = checkNumber(options.baselineMb ?? 0, 'options.baselineMb', { min: 0, finite: true });
    if (this.baselineMb >= this.budgetMb) {
      throw invalidOption('options.budgetMb', `more than what the process holds before any job (${mb(this.baselineMb)})`, options.budgetMb);
    }
    this.demand = checkFunction(options.demand, 'options.demand');
    this.profiles = options.profiles ?? ['standard', 'frugal'];
    if (!Array.isArray(this.profiles) || this.profiles.length === 0 || this.profiles.some((p) => typeof p !== 'string' || p === '')) {
      throw invalidOption('options.profiles', 'a non-empty list of profile names', options.profiles);
    }
  }

  /** MB left for jobs. */
  get room(): number {
    return this.budgetMb - this.baselineMb;
  }

  admit(job: ScheduledJob, running: readonly AdmittedJob[]): Admission {
    const choice = this.fitting(job, 0);
    if (!choice) {
      const last = this.profiles.at(-1) as string;
      return {
        decision: 'refuse',
        kind: 'out-of-memory',
        reason: `its predicted peak of ${mb(this.predict(job, last))} in the ${last} profile does not fit the memory budget of ${mb(this.budgetMb)} (${mb(this.room)} above the ${mb(this.baselineMb)} the process holds)`,
      };
    }
    const used = running.reduce((sum, admitted) => sum + admitted.demand, 0);
    if (running.length > 0 && used + choice.demand > this.room) return { decision: 'wait' };
    return this.run(job, choice.index, choice.demand);
  }

  retry(job: ScheduledJob, attempt: AdmittedJob, outcome: Extract<JobOutcome, { status: 'failed' }>): Admission | undefined {
    if (outcome.error.kind !== 'out-of-memory') return undefined;
    const index = this.profiles.indexOf(String(attempt.hints?.profile ?? this.profiles[0]));
    if (index < 0 || index + 1 >= this.profiles.length) return undefined;
    const next = this.profiles[index + 1];
    const demand = this.predict(job, next);
    return {
      decision: 'run',
      demand,
      hints: { profile: next, profile_reason: 'retried after running out of memory' },
      note: `retrying once in the ${next} profile`,
    };
  }

  private run(job: ScheduledJob, index: number, demand: number): Admission {
    const profile = this.profiles[index];
    if (index === 0) return { decision: 'run', demand, hints: { profile } };
    const first = this.profiles[0];
    const reason = `its predicted peak of ${mb(this.predict(job, first))} in the ${first} profile would not fit the memory budget of ${mb(this.budgetMb)}`;
    return {
      decision: 'run',
      demand,
      hints: { profile, profile_reason: reason },
      note: `runs in the ${profile} profile (predicted peak ${mb(demand)}): ${reason}`,
    };
  }

  /** The first profile from `from` on whose predicted peak fits the budget alone. */
  private fitting(job: ScheduledJob, from: number): { index: number; demand: number } | undefined {
    for (let index = from; index < this.profiles.length; index++) {
      const demand = this.predict(job, this.profiles[index]);
      if (demand <= this.room) return { index, demand };
    }
    return undefined;
  }

  private predict(job: ScheduledJob, profile: string): number {
    const demand = this.demand(job.config, job.budget, profile);
    if (!(Number.isFinite(demand) && demand >= 0)) {
      throw invalidOption(`the memory demand of ${job.configId.join('-')} in the ${profile} profile`, 'a number of MB >= 0', demand);
    }
    return demand;
  }
}
