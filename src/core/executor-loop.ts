import { linkAbort } from './abort-fan-out.js';
import type { Admission, AdmissionRule, AdmittedJob } from './admission.js';
import type { Result } from './result.js';
import type { ScheduledJob } from './scheduler.js';
import type { Emit, SearchRun } from './search-run.js';
import { configIdKey, type Executor, type JobHints, type JobOutcome } from './types.js';

const ADMIT_ALL: Admission = { decision: 'run' };

/**
 * `Search.run()`'s driver: hands the search's jobs to an executor while it has free capacity
 * (several successive-halving iterations in flight at once, hpbandster's rule) and, with an
 * admission rule, while the rule admits the job at the head of the queue (a memory budget: fewer
 * jobs at once rather than a crash), until the search is finished or `signal` aborts. Jobs stopped
 * by the abort are not logged, so a resumed search runs them again.
 */
export async function runWithExecutor(
  core: SearchRun,
  executor: Executor,
  emit: Emit,
  signal: AbortSignal | undefined,
  admission?: AdmissionRule,
): Promise<Result> {
  const controller = new AbortController();
  const link = linkAbort(signal, controller);
  const inFlight = new Set<Promise<void>>();
  const running = new Set<AdmittedJob>();
  /** A job the rule told to wait: it stays at the head of the queue. */
  let held: ScheduledJob | undefined;
  try {
    const capacity = Math.max(1, Math.floor(executor.capacity));
    for (;;) {
      while (inFlight.size < capacity && !controller.signal.aborted) {
        const job = held ?? core.nextJob();
        held = undefined;
        if (!job) break;
        let decision = admission ? admission.admit(job, [...running]) : ADMIT_ALL;
        if (decision.decision === 'wait') {
          if (running.size > 0) {
            held = job;
            break;
          }
          decision = { decision: 'refuse', kind: 'threw', reason: 'the admission rule made a job wait while nothing was running' };
        }
        if (decision.decision === 'refuse') {
          const time = now();
          core.finish(
            job,
            { status: 'failed', error: { kind: decision.kind, message: decision.reason } },
            {
              submitted: time,
              started: time,
              finished: time,
            },
          );
          continue;
        }
        if (decision.note) emit('warning', { message: `${configIdKey(job.configId)} on budget ${job.budget}: ${decision.note}` });
        const admitted: AdmittedJob = { job, demand: decision.demand ?? 0, hints: decision.hints };
        running.add(admitted);
        const execution: Promise<void> = submit(core, executor, emit, admitted, controller.signal, admission).then(() => {
          inFlight.delete(execution);
          running.delete(admitted);
        });
        inFlight.add(execution);
      }
      if (inFlight.size === 0) break;
      await Promise.race(inFlight);
    }
  } finally {
    link.done();
    // Taken from the scheduler but never started (the search stopped): a resumed search runs it.
    if (held) core.requeue(held);
  }
  return core.result();
}

async function submit(
  core: SearchRun,
  executor: Executor,
  emit: Emit,
  admitted: AdmittedJob,
  signal: AbortSignal,
  admission: AdmissionRule | undefined,
): Promise<void> {
  const { job } = admitted;
  const submitted = now();
  let startedAt: number | undefined;
  emit('job:submitted', { configId: job.configId, config: job.config, budget: job.budget });
  let outcome = await attempt(executor, emit, job, admitted.hints, signal, () => {
    startedAt ??= now();
  });
  if (outcome.status === 'failed' && !(outcome.error.kind === 'aborted' && signal.aborted)) {
    const again = admission?.retry?.(job, admitted, outcome);
    if (again?.decision === 'run') {
      const first = outcome.error;
      emit('warning', {
        message: `${configIdKey(job.configId)} on budget ${job.budget} failed (${first.kind}: ${first.message})${again.note ? `; ${again.note}` : '; trying once more'}`,
      });
      outcome = await attempt(executor, emit, job, again.hints, signal, () => {});
      // The first attempt is recorded with the second's result, so the log says why it ran twice.
      outcome = { ...outcome, info: { ...(outcome.info ?? {}), retried_after: `${first.kind}: ${first.message}` } } as JobOutcome;
    }
  }
  if (outcome.status === 'failed' && outcome.error.kind === 'aborted' && signal.aborted) {
    // Not finished: not logged, so a resumed search runs it again.
    core.requeue(job);
    return;
  }
  core.finish(job, outcome, { submitted, started: outcome.startedAt ?? startedAt ?? submitted, finished: now() });
}

/** One attempt of a job on the executor; an executor that rejects still yields a failed outcome. */
async function attempt(
  executor: Executor,
  emit: Emit,
  job: ScheduledJob,
  hints: JobHints | undefined,
  signal: AbortSignal,
  onStart: () => void,
): Promise<JobOutcome> {
  try {
    // Started on the next microtask, as before the split: a synchronous objective never runs
    // inside the scheduling loop.
    await Promise.resolve();
    return await executor.submit(
      {
        configId: job.configId,
        config: job.config,
        budget: job.budget,
        ...(hints === undefined ? {} : { hints }),
        onStart: () => {
          onStart();
          emit('job:started', { configId: job.configId, budget: job.budget });
        },
        onReport: (step, loss) => emit('job:report', { configId: job.configId, budget: job.budget, step, loss }),
      },
      signal,
    );
  } catch (error) {
    // An executor must not reject; if one does, the job still ends as a recorded failure.
    return {
      status: 'failed',
      error: { kind: 'threw', message: `executor failed: ${(error as Error)?.message ?? String(error)}`, stack: (error as Error)?.stack },
    };
  }
}

/** Seconds since the Unix epoch (hpbandster's unit for timestamps). */
export function now(): number {
  return Date.now() / 1000;
}
