import { AskTellError } from './ask-tell-error.js';
import { AbortedError, InvalidOptionError } from './errors.js';
import { MAX_TIMER_DELAY_MS } from './option-checks.js';
import { now } from './executor-loop.js';
import type { ScheduledJob } from './scheduler.js';
import { jobKey, type Emit, type SearchRun } from './search-run.js';
import { configIdKey, type ConfigId, type Configuration, type JobOutcome, type ObjectiveResult, type Run } from './types.js';
import { failed, outcomeFromError, outcomeFromReturnValue } from '../executors/objective-outcome.js';

/** Options of one `Search.ask` call. */
export interface AskOptions {
  /** Stops waiting: the promise rejects with an AbortedError (code `ERR_ABORTED`) and no job is handed out. */
  readonly signal?: AbortSignal;
  /**
   * Milliseconds the caller has to tell this job's result; after that the job is handed out
   * again (the first tell still counts, from whichever caller).
   * @defaultValue the search's `leaseTimeoutMs`
   */
  readonly leaseMs?: number;
}

/** A job handed out by `Search.ask`: evaluate `config` on `budget`, then tell the result. */
export interface AskedJob<C = Configuration> {
  readonly configId: ConfigId;
  readonly config: C;
  readonly budget: number;
  /** When the lease ends, in milliseconds since the Unix epoch. */
  readonly leaseExpiresAt: number;
  /** 0 when handed out the first time; n for the n-th re-issue after a lease expired. */
  readonly attempt: number;
}

/** Which job a tell is about: an {@link AskedJob} or just its id and budget. */
export interface JobRef {
  readonly configId: ConfigId;
  readonly budget: number;
}

/**
 * Which job a lease extension is about: an {@link AskedJob}, or its id and budget with the
 * attempt it was handed out as (without `attempt`, whichever attempt holds the job now).
 */
export interface LeaseRef extends JobRef {
  readonly attempt?: number;
}

/** A job's lease after {@link AskTell.extendLease}. */
export interface ExtendedLease {
  readonly configId: ConfigId;
  readonly budget: number;
  /** The new end of the lease, in milliseconds since the Unix epoch. */
  readonly leaseExpiresAt: number;
  readonly attempt: number;
}

/**
 * What `Search.tell` accepts, with an objective's rules: a finite number or `{ loss, info? }`
 * succeeds; a non-finite loss or a malformed value is recorded as a failure; an Error or
 * `{ error: 'message' }` is a failure with that message (an objective that threw).
 */
export type TellResult = ObjectiveResult | number | Error | { readonly error: string; readonly info?: Readonly<Record<string, unknown>> };

/** A job asked and not yet told. */
export interface OutstandingJob {
  readonly configId: ConfigId;
  readonly config: Configuration;
  readonly budget: number;
  /** When it was first asked, in seconds since the Unix epoch (hpbandster's unit). */
  readonly askedAt: number;
  readonly leaseExpiresAt: number;
  readonly attempt: number;
}

interface Lease {
  readonly job: ScheduledJob;
  readonly askedAt: number;
  leaseMs: number;
  leaseExpiresAt: number;
  attempt: number;
  /** True between the lease's expiry and its re-issue. */
  expired: boolean;
}

interface Waiter {
  readonly leaseMs: number;
  readonly resolve: (job: AskedJob | null) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Ask/tell's driver of a {@link SearchRun}: the caller pulls jobs and pushes results, the way
 * Optuna's `study.ask()`/`study.tell()` work, on the same scheduler, log and model as `run()`.
 *
 * When the scheduler waits for results (a rung barrier), `ask` waits too: its promise resolves
 * when a tell, or a lease that expires, makes a job available — never a polling loop. It
 * resolves to null once the search is finished (every job told). A job asked and not told within
 * its lease is handed out again; the expiry is announced once as a `warning` event.
 */
export class AskTell {
  private readonly leases = new Map<string, Lease>();
  /** Leases that expired, in expiry order, waiting to be handed out again. */
  private readonly reissue: Lease[] = [];
  private readonly waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private closed = false;

  constructor(
    private readonly core: SearchRun,
    private readonly emit: Emit,
    private readonly defaultLeaseMs: number,
  ) {}

  ask(options: AskOptions = {}): Promise<AskedJob | null> {
    const leaseMs = options.leaseMs ?? this.defaultLeaseMs;
    if (typeof leaseMs !== 'number' || !(leaseMs > 0) || !Number.isFinite(leaseMs)) {
      return Promise.reject(new InvalidOptionError(`options.leaseMs must be a number of milliseconds > 0 (got ${leaseMs})`));
    }
    if (this.closed) return Promise.reject(new AskTellError('ERR_SEARCH_CLOSED', 'the search is closed: nothing more can be asked'));
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    // Someone already waits: queue behind them, so jobs go out in the order asked.
    const job = this.waiters.length === 0 ? this.take(leaseMs) : undefined;
    if (job !== undefined) return Promise.resolve(job);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        this.holdProcess();
        reject(abortError(signal!));
      };
      const waiter: Waiter = {
        leaseMs,
        resolve: (asked) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(asked);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      this.holdProcess();
    });
  }

  tell(job: JobRef, value: TellResult): Run {
    if (this.closed) throw new AskTellError('ERR_SEARCH_CLOSED', 'the search is closed: nothing more can be told');
    const { configId, budget } = checkJobRef(job);
    const key = jobKey(configId, budget);
    const lease = this.leaseOf(key, configId, budget);
    this.leases.delete(key);
    if (lease.expired) this.reissue.splice(this.reissue.indexOf(lease), 1);
    const run = this.core.finish(lease.job, outcomeOfTold(value), { submitted: lease.askedAt, started: lease.askedAt, finished: now() });
    this.pump();
    return run;
  }

  /**
   * A heartbeat: the job's holder is still working on it, so its lease now ends `leaseMs` from
   * now (by default the lease it was asked with). A long training run calls this every so often
   * instead of asking with a lease as long as its worst case. The deadline is set, not added to:
   * a shorter `leaseMs` brings it closer.
   *
   * @throws AskTellError `ERR_UNKNOWN_JOB` for a job this search did not hand out,
   *   `ERR_JOB_ALREADY_TOLD` for a job whose result is recorded, `ERR_LEASE_EXPIRED` for a job
   *   whose lease ran out (it waits to be handed out again, or `job.attempt` is older than the
   *   attempt that holds it now): that holder lost the lease, though its tell still counts.
   */
  extendLease(job: LeaseRef, leaseMs?: number): ExtendedLease {
    if (this.closed) throw new AskTellError('ERR_SEARCH_CLOSED', 'the search is closed: no lease can be extended');
    const { configId, budget } = checkJobRef(job);
    const attempt = (job as { attempt?: unknown }).attempt;
    if (attempt !== undefined && !(Number.isSafeInteger(attempt) && (attempt as number) >= 0)) {
      throw new InvalidOptionError(`job.attempt must be an integer >= 0 as ask() returned it (got ${JSON.stringify(attempt)})`);
    }
    if (leaseMs !== undefined && (typeof leaseMs !== 'number' || !(leaseMs > 0) || !Number.isFinite(leaseMs))) {
      throw new InvalidOptionError(`leaseMs must be a number of milliseconds > 0 (got ${leaseMs})`);
    }
    const key = jobKey(configId, budget);
    const lease = this.leaseOf(key, configId, budget);
    if (lease.expired) {
      throw new AskTellError('ERR_LEASE_EXPIRED', `job ${key}'s lease of ${lease.leaseMs} ms ran out; it waits to be handed out again`);
    }
    if (attempt !== undefined && attempt !== lease.attempt) {
      throw new AskTellError(
        'ERR_LEASE_EXPIRED',
        `job ${key} attempt ${attempt} lost its lease: it was handed out again (attempt ${lease.attempt} holds it now)`,
      );
    }
    if (leaseMs !== undefined) lease.leaseMs = leaseMs;
    lease.leaseExpiresAt = Date.now() + lease.leaseMs;
    // A later deadline needs no new timer: the armed one fires early, finds nothing expired and re-arms.
    if (lease.leaseExpiresAt < this.timerAt) this.armTimer(lease.leaseExpiresAt);
    return { configId: lease.job.configId, budget, leaseExpiresAt: lease.leaseExpiresAt, attempt: lease.attempt };
  }

  /** Jobs asked and not yet told, oldest first. */
  outstanding(): OutstandingJob[] {
    return [...this.leases.values()].map((lease) => ({
      configId: lease.job.configId,
      config: lease.job.config,
      budget: lease.job.budget,
      askedAt: lease.askedAt,
      leaseExpiresAt: lease.leaseExpiresAt,
      attempt: lease.attempt,
    }));
  }

  /** True once every job has been handed out and told. */
  get isFinished(): boolean {
    return this.core.isFinished && this.leases.size === 0;
  }

  /** Stops: waiting asks reject with `ERR_SEARCH_CLOSED`, the lease timer stops, and the log is closed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const error = new AskTellError('ERR_SEARCH_CLOSED', 'the search was closed while this ask waited');
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
    this.core.close();
  }

  /** The lease of a job asked and not told; throws the reason when there is none. */
  private leaseOf(key: string, configId: ConfigId, budget: number): Lease {
    const lease = this.leases.get(key);
    if (lease) return lease;
    if (this.core.isRecorded(configId, budget)) {
      throw new AskTellError('ERR_JOB_ALREADY_TOLD', `job ${key} was already told; its first result counts`);
    }
    throw new AskTellError('ERR_UNKNOWN_JOB', `job ${key} was not handed out by this search (check configId and budget)`);
  }

  /** A job for one asker: a job, null when the search is finished, undefined when it must wait. */
  private take(leaseMs: number): AskedJob | null | undefined {
    const again = this.reissue.shift();
    if (again) {
      again.expired = false;
      again.attempt++;
      return this.lease(again, leaseMs);
    }
    const job = this.core.nextJob();
    if (job) {
      const lease: Lease = { job, askedAt: now(), leaseMs, leaseExpiresAt: 0, attempt: 0, expired: false };
      this.leases.set(jobKey(job.configId, job.budget), lease);
      this.emit('job:submitted', { configId: job.configId, config: job.config, budget: job.budget });
      return this.lease(lease, leaseMs);
    }
    if (!this.isFinished) return undefined;
    // Nothing more can be logged: every job is told.
    this.core.close();
    return null;
  }

  private lease(lease: Lease, leaseMs: number): AskedJob {
    lease.leaseMs = leaseMs;
    lease.leaseExpiresAt = Date.now() + leaseMs;
    if (lease.leaseExpiresAt < this.timerAt) this.armTimer(lease.leaseExpiresAt);
    const { configId, config, budget } = lease.job;
    return { configId, config, budget, leaseExpiresAt: lease.leaseExpiresAt, attempt: lease.attempt };
  }

  /** Hands jobs to waiting asks, in order, while there are jobs. */
  private pump(): void {
    while (this.waiters.length > 0) {
      const job = this.take(this.waiters[0].leaseMs);
      if (job === undefined) break;
      if (job === null) {
        for (const waiter of this.waiters.splice(0)) waiter.resolve(null);
        break;
      }
      this.waiters.shift()!.resolve(job);
    }
    this.holdProcess();
  }

  /**
   * A lease alone must not keep the process alive, but an ask waiting for one to expire must:
   * the timer is referenced exactly while someone waits.
   */
  private holdProcess(): void {
    if (!this.timer) return;
    if (this.waiters.length > 0) this.timer.ref();
    else this.timer.unref();
  }

  /**
   * One timer, for the earliest lease; it moves the expired leases to the re-issue queue. A lease
   * longer than a timer can hold (2^31 − 1 ms, about 24.8 days: Node turns a longer delay into
   * 1 ms) is waited for in chunks: the timer fires early, finds nothing expired, and re-arms.
   */
  private armTimer(at: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.expire(), Math.min(MAX_TIMER_DELAY_MS, Math.max(0, at - Date.now())));
    this.holdProcess();
  }

  private expire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const time = Date.now();
    let next = Infinity;
    for (const [key, lease] of this.leases) {
      if (lease.expired) continue;
      if (lease.leaseExpiresAt <= time) {
        lease.expired = true;
        this.reissue.push(lease);
        this.emit('warning', {
          message: `job ${key} (config ${configIdKey(lease.job.configId)} on budget ${lease.job.budget}) was not told within its lease of ${lease.leaseMs} ms: handing it out again`,
        });
      } else {
        next = Math.min(next, lease.leaseExpiresAt);
      }
    }
    if (next < Infinity) this.armTimer(next);
    this.pump();
  }
}

/** The outcome of a told result, by the rules an objective's return value follows. */
export function outcomeOfTold(value: unknown): JobOutcome {
  if (value instanceof Error) return outcomeFromError(value);
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'error' in value && !('loss' in value)) {
    const { error, info } = value as { error: unknown; info?: unknown };
    const outcome = failed('threw', typeof error === 'string' ? error : `the job failed: ${JSON.stringify(error) ?? String(error)}`);
    const plainInfo = info !== null && typeof info === 'object' && !Array.isArray(info) ? (info as Record<string, unknown>) : undefined;
    return plainInfo ? { ...outcome, info: plainInfo } : outcome;
  }
  return outcomeFromReturnValue(value);
}

function checkJobRef(job: unknown): JobRef {
  if (job === null || typeof job !== 'object') {
    throw new InvalidOptionError(`job must be { configId, budget } as ask() returned it (got ${String(job)})`);
  }
  const { configId, budget } = job as { configId?: unknown; budget?: unknown };
  if (!Array.isArray(configId) || configId.length !== 3 || !configId.every((part) => Number.isSafeInteger(part) && part >= 0)) {
    throw new InvalidOptionError(`job.configId must be [iteration, stage, index], three integers >= 0 (got ${JSON.stringify(configId)})`);
  }
  if (typeof budget !== 'number' || !Number.isFinite(budget)) {
    throw new InvalidOptionError(`job.budget must be a finite number (got ${JSON.stringify(budget)})`);
  }
  return { configId: configId as unknown as ConfigId, budget };
}

function abortError(signal: AbortSignal): AbortedError {
  const reason = signal.reason;
  return new AbortedError(reason instanceof Error && reason.message ? `ask was aborted: ${reason.message}` : 'ask was aborted');
}
