import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { followAbort } from '../core/abort-fan-out.js';
import { checkDelayMs, checkInteger, checkObject, checkTimeoutMs } from '../core/option-checks.js';
import { TypedEmitter } from '../core/typed-emitter.js';
import type { Executor, Job, JobOutcome } from '../core/types.js';
import { ExecutorError } from '../executors/executor-error.js';
import { failed } from '../executors/objective-outcome.js';
import {
  cancelChannel,
  EVALUATION_JOB_NAME,
  evaluationJobId,
  isReportProgress,
  outcomeFromStored,
  parseEvaluationData,
  validateRunId,
  type EvaluationData,
} from './evaluation-wire.js';
import {
  bullConnection,
  createRedisClient,
  DEFAULT_QUEUE,
  redactRedisUrl,
  validateQueueName,
  validateRedisUrl,
  whenReady,
  withinConnectTimeout,
  type RedisConnectionOptions,
} from './redis-connection.js';

/** Thrown inside the executor when close() overtakes an operation; never reaches a caller. */
class ExecutorClosed extends Error {}

/** Options of a {@link DistributedExecutor}. */
export interface DistributedExecutorOptions {
  /** Redis URL: `redis://[user:password@]host:port[/db]`, or `rediss://…` for TLS. */
  readonly redis: string;
  /** BullMQ queue the workers listen on. @defaultValue 'bandster' */
  readonly queue?: string;
  /**
   * Identifies this search inside the queue: job ids are derived from it, the configuration id
   * and the budget. The same run id after a restart finds the jobs of the run before it (see
   * `distributedRunId`); a new search needs a new one. Letters, digits, '_' and '-'.
   */
  readonly runId: string;
  /** Jobs kept in flight (queued or running) at once. @defaultValue 64 */
  readonly capacity?: number;
  /**
   * Milliseconds of running (not queueing) after which a worker abandons a job as failed ('timeout');
   * 0 = none; at most 2^31 − 1 (Node's longest timer). @defaultValue 0
   */
  readonly timeoutMs?: number;
  /** Extra ioredis options over what the URL says, e.g. `{ tls: { ca } }`. */
  readonly connectionOptions?: RedisConnectionOptions;
  /** How long {@link DistributedExecutor.connect} waits for Redis before giving up. @defaultValue 10000 */
  readonly connectTimeoutMs?: number;
  /**
   * Milliseconds between checks of the unfinished jobs' states in Redis: the safety net behind
   * the events stream (an event lost to a reconnect, a job removed by hand). @defaultValue 5000
   */
  readonly reconcileIntervalMs?: number;
}

export const DISTRIBUTED_EXECUTOR_DEFAULTS = Object.freeze({
  queue: DEFAULT_QUEUE,
  capacity: 64,
  timeoutMs: 0,
  connectTimeoutMs: 10_000,
  reconcileIntervalMs: 5_000,
});

/** Events of a {@link DistributedExecutor}. */
export interface DistributedExecutorEvents {
  /** Something went wrong that does not fail a job (a lost Redis connection, a failed cancel). */
  warning: { message: string };
}

interface Waiter {
  readonly job: Job;
  started: boolean;
  settle(outcome: JobOutcome): void;
}

/** Everyone waiting for one BullMQ job (the same evaluation may be submitted twice). */
interface Entry {
  readonly jobId: string;
  readonly data: EvaluationData;
  readonly waiters: Set<Waiter>;
  /** Settles when the job is in the queue (or found there) and its state was checked once. */
  enqueued?: Promise<void>;
  /** The job stored under the id is known to be this evaluation: its events are ours. */
  attached: boolean;
  /** Events that came before that was known, applied once it is. */
  early: (() => void)[];
  /** The id's earlier job (another configuration) was removed: its late events are dropped until our 'added'. */
  awaitingAdded: boolean;
  /** Called once the entry leaves `pending` (settled or abandoned). */
  readonly retired: (() => void)[];
}

interface Connections {
  readonly queue: Queue;
  readonly events: QueueEvents;
  /** Publishes cancel messages and reads the events stream's position. */
  readonly side: Redis;
}

/**
 * Runs jobs on a fleet of `bandster worker` processes through a BullMQ queue in Redis.
 *
 * - Idempotent: a job's id is derived from the run id, the configuration id and the budget, so
 *   submitting an evaluation that is already queued, running or finished — e.g. after a master
 *   restart — attaches to it; a finished one resolves with its stored outcome at once.
 * - Outcomes come through the queue's events stream (one `XREAD` connection for all jobs),
 *   with a periodic state check as a safety net; objective failures are stored by the worker
 *   as the job's return value, so BullMQ never retries them and they arrive as failed outcomes.
 * - A job whose worker dies is re-run by BullMQ's stalled-job check on another worker; the
 *   master still sees one outcome. A job that stalls too often fails as 'worker-exit'.
 * - Aborting (the signal, or {@link close}) resolves the job as 'aborted', removes it from the
 *   queue when it is still waiting and tells its worker to stop it when it runs.
 *
 * The constructor does no I/O: connections open on the first `submit` (or {@link connect}).
 */
export class DistributedExecutor extends TypedEmitter<DistributedExecutorEvents> implements Executor {
  readonly capacity: number;
  readonly runId: string;
  readonly queueName: string;
  private readonly url: string;
  private readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly reconcileIntervalMs: number;
  private readonly connectionOptions: RedisConnectionOptions | undefined;
  private readonly pending = new Map<string, Entry>();
  private readonly background = new Set<Promise<unknown>>();
  private opening: Promise<Connections> | undefined;
  private created: Partial<{ -readonly [K in keyof Connections]: Connections[K] }> = {};
  private reconcileTimer: NodeJS.Timeout | undefined;
  private reconciling = false;
  private lastWarning = '';
  private lastRedisError: Error | undefined;
  private closed = false;

  constructor(options: DistributedExecutorOptions) {
    super();
    checkObject(options, 'options');
    this.url = validateRedisUrl(options.redis, 'options.redis');
    this.queueName = validateQueueName(options.queue ?? DISTRIBUTED_EXECUTOR_DEFAULTS.queue, 'options.queue');
    this.runId = validateRunId(options.runId, 'options.runId');
    this.capacity = checkInteger(options.capacity ?? DISTRIBUTED_EXECUTOR_DEFAULTS.capacity, 'options.capacity', { min: 1 });
    this.timeoutMs = checkTimeoutMs(options.timeoutMs ?? DISTRIBUTED_EXECUTOR_DEFAULTS.timeoutMs, 'options.timeoutMs');
    this.connectTimeoutMs = checkDelayMs(
      options.connectTimeoutMs ?? DISTRIBUTED_EXECUTOR_DEFAULTS.connectTimeoutMs,
      'options.connectTimeoutMs',
      {
        min: 1,
        integer: true,
      },
    );
    this.reconcileIntervalMs = checkDelayMs(
      options.reconcileIntervalMs ?? DISTRIBUTED_EXECUTOR_DEFAULTS.reconcileIntervalMs,
      'options.reconcileIntervalMs',
      { min: 1, integer: true },
    );
    if (options.connectionOptions !== undefined)
      checkObject(options.connectionOptions, 'options.connectionOptions', 'an object of ioredis options');
    this.connectionOptions = options.connectionOptions;
  }

  /**
   * Opens the connections now and checks that Redis answers; rejects with a
   * `RedisConnectionError` after `connectTimeoutMs` otherwise. Optional (the first submit
   * connects), but a wrong URL or password then shows at once instead of as a search that waits.
   */
  async connect(): Promise<void> {
    if (this.closed) throw new ExecutorError('ERR_EXECUTOR_CLOSED', 'the executor is closed');
    await withinConnectTimeout(this.open(), this.url, this.connectTimeoutMs, () => this.lastRedisError);
  }

  submit(job: Job, signal: AbortSignal): Promise<JobOutcome> {
    if (this.closed) return Promise.resolve(failed('aborted', 'the executor is closed'));
    if (signal.aborted) return Promise.resolve(failed('aborted', 'the search was aborted before the job started'));
    const jobId = evaluationJobId(this.runId, job.configId, job.budget);
    let entry = this.pending.get(jobId);
    if (entry && canonicalJson(entry.data.config) !== canonicalJson(job.config)) {
      // Another configuration under the same id is in flight (a run id reused by mistake): one
      // BullMQ job per id, so this one waits for it and then replaces it (see enqueue).
      const other = entry;
      return new Promise<JobOutcome>((resolve) => other.retired.push(() => resolve(this.submit(job, signal))));
    }
    const isNew = entry === undefined;
    if (!entry) {
      entry = {
        jobId,
        data: { v: 1, configId: [...job.configId], config: job.config, budget: job.budget, timeoutMs: this.timeoutMs },
        waiters: new Set(),
        attached: false,
        early: [],
        awaitingAdded: false,
        retired: [],
      };
      this.pending.set(jobId, entry);
    }
    const owner = entry;
    return new Promise<JobOutcome>((resolve) => {
      const waiter: Waiter = {
        job,
        started: false,
        settle: (outcome) => {
          link.done();
          owner.waiters.delete(waiter);
          resolve(outcome);
        },
      };
      owner.waiters.add(waiter);
      const link = followAbort(signal, () => this.abandon(owner, waiter, failed('aborted', 'the job was aborted')));
      if (isNew) {
        owner.enqueued = this.track(
          this.enqueue(owner).catch((error: unknown) => {
            if (error instanceof ExecutorClosed || this.closed) return;
            // Not a lost connection (commands wait for Redis to come back): something the queue refuses.
            this.settleAll(jobId, failed('threw', `the job could not be queued: ${(error as Error)?.message ?? String(error)}`), owner);
          }),
        );
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    for (const entry of [...this.pending.values()]) {
      for (const waiter of [...entry.waiters]) this.abandon(entry, waiter, failed('aborted', 'the executor was closed'));
    }
    // Cancels and adds in progress get a moment to finish; a Redis that does not answer does not hold close() up.
    await Promise.race([Promise.allSettled([...this.background]), delay(2_000)]);
    const { queue, events, side } = this.created;
    side?.disconnect();
    const closing = Promise.allSettled([events?.close(), queue?.close()]).then(() => true);
    // Closing sends QUIT; with Redis gone that would wait for it forever.
    if (!(await Promise.race([closing, delay(2_000).then(() => false)]))) {
      await Promise.race([Promise.allSettled([events?.disconnect(), queue?.disconnect()]), delay(1_000)]);
    }
  }

  private open(): Promise<Connections> {
    this.opening ??= this.openConnections();
    return this.opening;
  }

  private async openConnections(): Promise<Connections> {
    const side = createRedisClient(this.url, this.connectionOptions);
    this.created.side = side;
    side.on('error', (error: Error) => {
      this.lastRedisError = error;
      this.warn(`Redis at ${redactRedisUrl(this.url)}: ${error.message}`);
    });
    await whenReady(side);
    this.throwIfClosed();
    const connection = bullConnection(this.url, this.connectionOptions);
    const queue = new Queue(this.queueName, { connection });
    this.created.queue = queue;
    queue.on('error', (error) => this.warn(`queue ${this.queueName}: ${error.message}`));
    await queue.waitUntilReady();
    this.throwIfClosed();
    // Events are read from the stream's end as it is now, before the first job is added, so no
    // event of ours can fall between "added" and "listening" (QueueEvents' default '$' is taken
    // at its first XREAD, which may come after our first add).
    const last = (await side.xrevrange(queue.keys.events, '+', '-', 'COUNT', 1)) as [string, string[]][];
    this.throwIfClosed();
    const events = new QueueEvents(this.queueName, { connection, lastEventId: last[0]?.[0] ?? '0-0', autorun: true });
    this.created.events = events;
    events.on('error', (error) => this.warn(`events of queue ${this.queueName}: ${error.message}`));
    events.on('added', ({ jobId }) => {
      const entry = this.pending.get(jobId);
      if (entry) entry.awaitingAdded = false;
    });
    events.on('completed', ({ jobId, returnvalue }) =>
      this.dispatch(jobId, (entry) => this.settleAll(jobId, outcomeFromStored(returnvalue), entry)),
    );
    events.on('failed', ({ jobId, failedReason }) =>
      this.dispatch(jobId, (entry) => void this.track(this.confirmFailed(entry, failedReason))),
    );
    events.on('active', ({ jobId }) =>
      this.dispatch(jobId, (entry) => {
        for (const waiter of entry.waiters) {
          if (waiter.started) continue;
          waiter.started = true;
          waiter.job.onStart?.();
        }
      }),
    );
    events.on('progress', ({ jobId, data }) => {
      if (!isReportProgress(data)) return;
      this.dispatch(jobId, (entry) => {
        for (const waiter of entry.waiters) waiter.job.onReport?.(data.step, data.loss);
      });
    });
    await events.waitUntilReady();
    this.throwIfClosed();
    this.reconcileTimer = setInterval(() => void this.track(this.reconcile()), this.reconcileIntervalMs).unref();
    return { queue, events, side };
  }

  /** close() came while connecting: what was opened after it looked is closed here. */
  private throwIfClosed(): void {
    if (!this.closed) return;
    const { queue, events, side } = this.created;
    side?.disconnect();
    void events?.disconnect().catch(() => {});
    void queue?.disconnect().catch(() => {});
    throw new ExecutorClosed();
  }

  /**
   * Adds the job (a no-op when its id exists) and looks at what is stored under its id: a
   * finished job of the same evaluation settles at once (a restarted master); a job of another
   * configuration under the same id (a run id reused for another search), or one that failed in
   * BullMQ's sense — cancelled by an earlier master, or stalled too often while no master
   * listened, neither an outcome of the objective — is replaced and runs again.
   */
  private async enqueue(entry: Entry): Promise<void> {
    const { queue } = await this.open();
    for (let attempt = 0; entry.waiters.size > 0; attempt++) {
      if (attempt > 0) await delay(Math.min(1_000, 25 * 2 ** attempt));
      await this.add(queue, entry);
      // The state first: a job read before it completes would lack the return value.
      const state = await queue.getJobState(entry.jobId);
      const stored = await queue.getJob(entry.jobId);
      if (!stored || state === 'unknown') continue; // removed in between (by hand): add again
      const same = sameEvaluation(stored.data, entry.data);
      if (same && state === 'completed') return this.settleAll(entry.jobId, outcomeFromStored(stored.returnvalue), entry);
      if (same && state !== 'failed') {
        // Queued or running: the events that came meanwhile, and those to come, are ours.
        entry.attached = true;
        for (const apply of entry.early.splice(0)) apply();
        return;
      }
      entry.early = [];
      // Another configuration's job holds the id and runs: wait for it to end, then replace it.
      if (state === 'active') continue;
      entry.awaitingAdded = true;
      await queue.remove(entry.jobId);
    }
  }

  private add(queue: Queue, entry: Entry): Promise<unknown> {
    // attempts: 1 — objective failures are return values, so a BullMQ failure is a cancel or a
    // stall limit; keeping finished jobs is what makes a restarted master find their outcomes.
    return queue.add(EVALUATION_JOB_NAME, entry.data, { jobId: entry.jobId, attempts: 1, removeOnComplete: false, removeOnFail: false });
  }

  /** Applies a queue event to the submits waiting for its job (buffered until the job is known to be theirs). */
  private dispatch(jobId: string, apply: (entry: Entry) => void): void {
    const entry = this.pending.get(jobId);
    if (!entry || entry.awaitingAdded) return;
    if (entry.attached) apply(entry);
    else entry.early.push(() => apply(entry));
  }

  /** A 'failed' event may be stale (an earlier cancel of a job since re-added): trust the state. */
  private async confirmFailed(entry: Entry, failedReason: string): Promise<void> {
    const { queue } = await this.open();
    if ((await queue.getJobState(entry.jobId)) !== 'failed') return;
    this.settleAll(
      entry.jobId,
      failed(
        'worker-exit',
        `the job failed in the queue without an outcome (its worker stopped responding, or it stalled too often): ${failedReason}`,
      ),
      entry,
    );
  }

  private settleAll(jobId: string, outcome: JobOutcome, only?: Entry): void {
    const entry = this.pending.get(jobId);
    if (!entry || (only && entry !== only)) return;
    this.retire(entry);
    for (const waiter of [...entry.waiters]) waiter.settle(outcome);
  }

  private retire(entry: Entry): void {
    this.pending.delete(entry.jobId);
    for (const next of entry.retired.splice(0)) queueMicrotask(next);
  }

  /** One waiter gives up; the last one to leave takes the job out of the queue or stops it. */
  private abandon(entry: Entry, waiter: Waiter, outcome: JobOutcome): void {
    waiter.settle(outcome);
    if (entry.waiters.size > 0 || this.pending.get(entry.jobId) !== entry) return;
    this.retire(entry);
    void this.track(this.cancel(entry));
  }

  private async cancel(entry: Entry): Promise<void> {
    if (!this.opening) return;
    await entry.enqueued;
    const { queue, side } = await this.opening;
    const state = await queue.getJobState(entry.jobId);
    if (state === 'completed' || state === 'failed' || state === 'unknown') return;
    // remove() refuses a job a worker holds the lock of: that one is told to stop instead.
    if ((await queue.remove(entry.jobId)) === 1) return;
    await side.publish(cancelChannel(this.queueName), entry.jobId);
  }

  /** The safety net: asks Redis for the state of every unfinished job known to be in the queue. */
  private async reconcile(): Promise<void> {
    if (this.reconciling || this.closed || this.pending.size === 0) return;
    this.reconciling = true;
    try {
      const { queue } = await this.open();
      for (const entry of [...this.pending.values()]) {
        if (!entry.attached || this.pending.get(entry.jobId) !== entry) continue;
        const state = await queue.getJobState(entry.jobId);
        const stored = state === 'unknown' ? undefined : await queue.getJob(entry.jobId);
        if (state === 'completed' && stored) this.settleAll(entry.jobId, outcomeFromStored(stored.returnvalue), entry);
        else if (state === 'failed') await this.confirmFailed(entry, stored?.failedReason ?? 'unknown reason');
        else if (state === 'unknown' && entry.waiters.size > 0) await this.add(queue, entry);
      }
    } finally {
      this.reconciling = false;
    }
  }

  /** Runs a background operation; its failure becomes a warning, never an unhandled rejection. */
  private track<T>(operation: Promise<T>): Promise<void> {
    const tracked = operation.then(
      () => undefined,
      (error: unknown) => {
        if (!(error instanceof ExecutorClosed) && !this.closed) this.warn((error as Error)?.message ?? String(error));
      },
    );
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
    return tracked;
  }

  private warn(message: string): void {
    // ioredis repeats a connection error on every reconnect attempt: say it once.
    if (message === this.lastWarning) return;
    this.lastWarning = message;
    this.emit('warning', { message });
  }
}

/** Whether a stored job's data is the evaluation `data` (same configuration; the id fixes the rest). */
function sameEvaluation(stored: unknown, data: EvaluationData): boolean {
  const parsed = parseEvaluationData(stored);
  return typeof parsed !== 'string' && canonicalJson(parsed.config) === canonicalJson(data.config) && parsed.budget === data.budget;
}

/** JSON with object keys sorted, so that key order (a config read back from the log) does not matter. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
