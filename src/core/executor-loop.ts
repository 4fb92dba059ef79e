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
  let inFlight = 0;
  const running = new Set<AdmittedJob>();
  /** A job the rule told to wait: it stays at the head of the queue. */
  let held: ScheduledJob | undefined;
  let failure: { readonly error: unknown } | undefined;
  // One waker for the loop, called by whichever job settles: no Promise.race over every job in
  // flight (a reaction per job per round, O(capacity) each time a job ends).
  let wake: (() => void) | undefined;
  const settled = (): void => {
    inFlight--;
    settledSinceTurn++;
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  // When the event loop last took a turn, and how many jobs settled since: a heartbeat (one
  // setImmediate per turn of the loop, not per job) notices the turns that jobs waiting on timers
  // or I/O give it anyway.
  let lastTurn = performance.now();
  let settledSinceTurn = 0;
  let heartbeatPending = false;
  const heartbeat = (): void => {
    heartbeatPending = false;
    lastTurn = performance.now();
    settledSinceTurn = 0;
  };
  try {
    const capacity = Math.max(1, Math.floor(executor.capacity));
    for (;;) {
      while (inFlight < capacity && !controller.signal.aborted && failure === undefined) {
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
          settledSinceTurn++;
          continue;
        }
        if (decision.note) emit('warning', { message: `${configIdKey(job.configId)} on budget ${job.budget}: ${decision.note}` });
        const admitted: AdmittedJob = { job, demand: decision.demand ?? 0, hints: decision.hints };
        running.add(admitted);
        inFlight++;
        submit(core, executor, emit, admitted, controller.signal, admission).then(
          () => {
            running.delete(admitted);
            settled();
          },
          (error: unknown) => {
            failure ??= { error };
            running.delete(admitted);
            settled();
          },
        );
      }
      if (failure !== undefined) throw failure.error;
      if (inFlight === 0) break;
      // Jobs that settle at once (an objective that returns without awaiting anything, or works
      // synchronously) run the search on microtasks, which starve the event loop: signals (Ctrl-C),
      // timers and I/O would wait for the end of the search. So the loop gets a turn when it has
      // not had one for a while and many more jobs settled meanwhile than are in flight (jobs
      // driven by timers or I/O settle at most about `capacity` per turn: their workers are
      // refilled at once, as before), or when it has not had one for long (slow synchronous jobs).
      if (!heartbeatPending) {
        heartbeatPending = true;
        setImmediate(heartbeat);
      }
      const sinceTurn = performance.now() - lastTurn;
      if ((settledSinceTurn > 2 * capacity + 8 && sinceTurn >= EVENT_LOOP_TURN_MS) || sinceTurn >= LONGEST_WITHOUT_TURN_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    link.done();
    // Taken from the scheduler but never started (the search stopped): a resumed search runs it.
    if (held) core.requeue(held);
  }
  return core.result();
}

/** How long jobs settling on microtasks alone may keep the event loop from turning. */
const EVENT_LOOP_TURN_MS = 10;
/** How long the loop goes without a turn of the event loop whatever settled meanwhile (slow synchronous objectives). */
const LONGEST_WITHOUT_TURN_MS = 100;

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
