import { linkAbort } from './abort-fan-out.js';
import type { Result } from './result.js';
import type { ScheduledJob } from './scheduler.js';
import type { Emit, SearchRun } from './search-run.js';
import type { Executor, JobOutcome } from './types.js';

/**
 * `Search.run()`'s driver: hands the search's jobs to an executor while it has free capacity
 * (several successive-halving iterations in flight at once, hpbandster's rule) until the search
 * is finished or `signal` aborts. Jobs stopped by the abort are not logged, so a resumed search
 * runs them again.
 */
export async function runWithExecutor(core: SearchRun, executor: Executor, emit: Emit, signal: AbortSignal | undefined): Promise<Result> {
  const controller = new AbortController();
  const link = linkAbort(signal, controller);
  const inFlight = new Set<Promise<void>>();
  try {
    const capacity = Math.max(1, Math.floor(executor.capacity));
    for (;;) {
      while (inFlight.size < capacity && !controller.signal.aborted) {
        const job = core.nextJob();
        if (!job) break;
        const execution: Promise<void> = submit(core, executor, emit, job, controller.signal).then(() => {
          inFlight.delete(execution);
        });
        inFlight.add(execution);
      }
      if (inFlight.size === 0) break;
      await Promise.race(inFlight);
    }
  } finally {
    link.done();
  }
  return core.result();
}

async function submit(core: SearchRun, executor: Executor, emit: Emit, job: ScheduledJob, signal: AbortSignal): Promise<void> {
  const submitted = now();
  let startedAt: number | undefined;
  emit('job:submitted', { configId: job.configId, config: job.config, budget: job.budget });
  let outcome: JobOutcome;
  try {
    // Started on the next microtask, as before the split: a synchronous objective never runs
    // inside the scheduling loop.
    await Promise.resolve();
    outcome = await executor.submit(
      {
        configId: job.configId,
        config: job.config,
        budget: job.budget,
        onStart: () => {
          startedAt = now();
          emit('job:started', { configId: job.configId, budget: job.budget });
        },
        onReport: (step, loss) => emit('job:report', { configId: job.configId, budget: job.budget, step, loss }),
      },
      signal,
    );
  } catch (error) {
    // An executor must not reject; if one does, the job still ends as a recorded failure.
    outcome = {
      status: 'failed',
      error: { kind: 'threw', message: `executor failed: ${(error as Error)?.message ?? String(error)}`, stack: (error as Error)?.stack },
    };
  }
  if (outcome.status === 'failed' && outcome.error.kind === 'aborted' && signal.aborted) {
    // Not finished: not logged, so a resumed search runs it again.
    core.requeue(job);
    return;
  }
  core.finish(job, outcome, { submitted, started: outcome.startedAt ?? startedAt ?? submitted, finished: now() });
}

/** Seconds since the Unix epoch (hpbandster's unit for timestamps). */
export function now(): number {
  return Date.now() / 1000;
}
