import type { ScheduledJob } from './scheduler.js';
import type { JobError, JobHints, JobOutcome } from './types.js';

/** A job the executor loop admitted and that is still running, with what its admission decided. */
export interface AdmittedJob {
  readonly job: ScheduledJob;
  /** What the job holds of the shared resource while it runs (e.g. its predicted peak memory in MB). */
  readonly demand: number;
  readonly hints?: JobHints;
}

/** What an admission rule decides for the job at the head of the queue. */
export type Admission =
  /** Run it now, holding `demand`, with `hints` for the objective; `note` is told to the user (a `warning` event). */
  | { readonly decision: 'run'; readonly demand?: number; readonly hints?: JobHints; readonly note?: string }
  /** Keep it at the head of the queue until a running job finishes. */
  | { readonly decision: 'wait' }
  /** Never run it: it is recorded as a failed run of `kind` with `reason` (e.g. 'out-of-memory': too big even frugally). */
  | { readonly decision: 'refuse'; readonly kind: JobError['kind']; readonly reason: string };

/**
 * Decides when a job may start, beyond the executor's capacity: a memory budget admits queued jobs
 * while their predicted peaks fit (fewer at once rather than a crash). The executor loop consults
 * it for every job and never knows what it counts (hpbandster's Master asks its iteration for the
 * next run the same way, without branching on the kind).
 *
 * Contract: `admit` must not answer 'wait' when nothing is running (nothing would ever free up; the
 * loop then refuses the job with that reason).
 */
export interface AdmissionRule {
  admit(job: ScheduledJob, running: readonly AdmittedJob[]): Admission;
  /**
   * A second attempt after a failed one (e.g. in a lighter profile after running out of memory), or
   * undefined to record the failure. Asked once per job: a retried attempt's outcome is final.
   */
  retry?(job: ScheduledJob, attempt: AdmittedJob, outcome: Extract<JobOutcome, { status: 'failed' }>): Admission | undefined;
}
