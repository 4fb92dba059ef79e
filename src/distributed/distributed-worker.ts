import { UnrecoverableError, WaitingError, Worker, type Job as BullJob } from 'bullmq';
import type { Redis } from 'ioredis';
import { checkDelayMs, checkInteger, checkNonEmptyString, checkObject, invalidOption } from '../core/option-checks.js';
import { TypedEmitter } from '../core/typed-emitter.js';
import type { ConfigId, JobOutcome, Objective } from '../core/types.js';
import { InlineExecutor } from '../executors/inline-executor.js';
import { failed } from '../executors/objective-outcome.js';
import { DistributedError } from './distributed-error.js';
import { cancelChannel, parseEvaluationData, type EvaluationData, type ReportProgress } from './evaluation-wire.js';
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

/** Options of {@link runWorker}. */
export interface WorkerOptions {
  /** Redis URL: `redis://[user:password@]host:port[/db]`, or `rediss://…` for TLS. */
  readonly redis: string;
  /** The objective: a function, or the path of an ES module exporting `compute(config, budget, ctx)` (loaded once). */
  readonly objective: Objective | string;
  /** BullMQ queue to take jobs from. @defaultValue 'bandster' */
  readonly queue?: string;
  /** Jobs run at once in this process. @defaultValue 1 */
  readonly concurrency?: number;
  /** Directory under which each configuration gets a private working directory (`ctx.workdir`). */
  readonly workdir?: string;
  /** Extra ioredis options over what the URL says, e.g. `{ tls: { ca } }`. */
  readonly connectionOptions?: RedisConnectionOptions;
  /**
   * Milliseconds a job's lock lasts without renewal (renewed at half of it while the job runs).
   * A worker killed mid-job loses its lock after this long; another worker's stalled check then
   * runs the job again. @defaultValue 30000
   */
  readonly lockDurationMs?: number;
  /** Milliseconds between this worker's checks for stalled jobs of dead workers. @defaultValue 30000 */
  readonly stalledIntervalMs?: number;
  /** Times a job may be rescued from a dead worker before it fails as 'worker-exit' (BullMQ's maxStalledCount). @defaultValue 1 */
  readonly maxStalledCount?: number;
  /** How long {@link runWorker} waits for Redis before rejecting. @defaultValue 10000 */
  readonly connectTimeoutMs?: number;
  /** A name stored on every job this worker processes (BullMQ's `processedBy`). */
  readonly name?: string;
}

export const WORKER_DEFAULTS = Object.freeze({
  queue: DEFAULT_QUEUE,
  concurrency: 1,
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 1,
  connectTimeoutMs: 10_000,
});

/** Events of a {@link DistributedWorker}. */
export interface DistributedWorkerEvents {
  'job:started': { jobId: string; configId: ConfigId; budget: number };
  'job:finished': { jobId: string; configId: ConfigId; budget: number; outcome: JobOutcome };
  /** The master cancelled the job, or {@link DistributedWorker.close} handed it back to the queue. */
  'job:stopped': { jobId: string; configId: ConfigId; budget: number; handedBack: boolean };
  warning: { message: string };
}

interface Running {
  readonly controller: AbortController;
  /** Why the job was stopped: the master cancelled it, or this worker hands it back. */
  stop?: 'cancelled' | 'hand-back';
}

/**
 * A BullMQ worker that evaluates bandster jobs. Start one with {@link runWorker} (or
 * `bandster worker`). Objective faults are stored as the job's return value (a failed
 * outcome with message and stack), so BullMQ never retries them; the job "fails" in BullMQ's
 * sense only when the master cancelled it.
 */
export class DistributedWorker extends TypedEmitter<DistributedWorkerEvents> {
  readonly queueName: string;
  readonly concurrency: number;
  private readonly url: string;
  private readonly options: WorkerOptions;
  private readonly running = new Map<string, Running>();
  /** One in-process executor per job timeout: it runs the objective, with the same rules as `bandster run`. */
  private readonly executors = new Map<number, InlineExecutor>();
  private objective: Objective | undefined;
  private worker: Worker | undefined;
  private subscriber: Redis | undefined;
  private closing: Promise<void> | undefined;
  private lastRedisError: Error | undefined;
  private lastWarning = '';

  /** Validates the options; does no I/O (see {@link start}). */
  constructor(options: WorkerOptions) {
    super();
    checkObject(options, 'options');
    this.url = validateRedisUrl(options.redis, 'options.redis');
    this.queueName = validateQueueName(options.queue ?? WORKER_DEFAULTS.queue, 'options.queue');
    if (typeof options.objective !== 'function' && typeof options.objective !== 'string') {
      throw invalidOption('options.objective', 'a function or a module path', options.objective);
    }
    this.concurrency = checkInteger(options.concurrency ?? WORKER_DEFAULTS.concurrency, 'options.concurrency', { min: 1 });
    for (const field of ['lockDurationMs', 'stalledIntervalMs', 'connectTimeoutMs'] as const) {
      if (options[field] !== undefined) checkDelayMs(options[field], `options.${field}`, { min: 1, integer: true });
    }
    if (options.maxStalledCount !== undefined) checkInteger(options.maxStalledCount, 'options.maxStalledCount', { min: 0 });
    if (options.workdir !== undefined) checkNonEmptyString(options.workdir, 'options.workdir');
    this.options = options;
  }

  /** Jobs running now. */
  get runningJobs(): number {
    return this.running.size;
  }

  /** Loads the objective, connects, and starts taking jobs; rejects when Redis cannot be reached. */
  async start(): Promise<void> {
    if (this.worker) throw new DistributedError('ERR_WORKER_STARTED', 'the worker is already started');
    const { options } = this;
    if (typeof options.objective === 'string') {
      const { loadObjective } = await import('../executors/objective-loader.js');
      this.objective = await loadObjective(options.objective);
    } else {
      this.objective = options.objective;
    }
    const timeoutMs = options.connectTimeoutMs ?? WORKER_DEFAULTS.connectTimeoutMs;
    const subscriber = createRedisClient(this.url, options.connectionOptions);
    this.subscriber = subscriber;
    subscriber.on('error', (error: Error) => {
      this.lastRedisError = error;
      this.warn(`Redis at ${redactRedisUrl(this.url)}: ${error.message}`);
    });
    subscriber.on('message', (_channel: string, jobId: string) => this.stop(jobId, 'cancelled'));
    try {
      await withinConnectTimeout(whenReady(subscriber), this.url, timeoutMs, () => this.lastRedisError);
      await subscriber.subscribe(cancelChannel(this.queueName));
      const lockDuration = options.lockDurationMs ?? WORKER_DEFAULTS.lockDurationMs;
      this.worker = new Worker(this.queueName, (job, token) => this.process(job, token), {
        connection: bullConnection(this.url, options.connectionOptions),
        concurrency: this.concurrency,
        lockDuration,
        stalledInterval: options.stalledIntervalMs ?? WORKER_DEFAULTS.stalledIntervalMs,
        maxStalledCount: options.maxStalledCount ?? WORKER_DEFAULTS.maxStalledCount,
        ...(options.name ? { name: options.name } : {}),
        autorun: true,
      });
      this.worker.on('error', (error) => this.warn(`worker on queue ${this.queueName}: ${error.message}`));
      await withinConnectTimeout(this.worker.waitUntilReady(), this.url, timeoutMs, () => this.lastRedisError);
    } catch (error) {
      await this.close({ handBack: true });
      throw error;
    }
  }

  /**
   * Stops taking jobs and disconnects. By default the running jobs finish first; with
   * `handBack: true` they are stopped and put back in the queue at once for another worker.
   */
  close(options: { handBack?: boolean } = {}): Promise<void> {
    if (options.handBack) for (const jobId of this.running.keys()) this.stop(jobId, 'hand-back');
    this.closing ??= (async () => {
      const worker = this.worker;
      // BullMQ's close stops fetching, waits for the running jobs and stores their outcomes.
      const closed = worker?.close().then(
        () => true,
        () => true,
      );
      while (this.running.size > 0) await delay(20);
      // Storing needs Redis: if it is gone, do not hang here (the jobs run again elsewhere).
      if (worker && !(await Promise.race([closed, delay(5_000).then(() => false)]))) {
        this.warn('Redis did not answer while closing: disconnecting');
        await Promise.race([worker.disconnect().catch(() => {}), delay(1_000)]);
      }
      for (const executor of this.executors.values()) await executor.close();
      this.subscriber?.disconnect();
    })();
    return this.closing;
  }

  private async process(job: BullJob, token: string | undefined): Promise<JobOutcome> {
    const data = parseEvaluationData(job.data);
    // A job we cannot read is a failed outcome the master can log, not a BullMQ retry.
    if (typeof data === 'string') return failed('invalid-result', data);
    const jobId = job.id ?? '';
    const running: Running = { controller: new AbortController() };
    this.running.set(jobId, running);
    const about = { jobId, configId: data.configId, budget: data.budget };
    this.emit('job:started', about);
    let reports: Promise<unknown> = Promise.resolve();
    try {
      const outcome = await this.executorFor(data).submit(
        {
          configId: data.configId,
          config: data.config,
          budget: data.budget,
          // In order, and all written before the outcome, so the master sees them before it.
          onReport: (step, loss) => {
            const progress: ReportProgress = { step, loss };
            reports = reports
              .then(() => job.updateProgress(progress))
              .catch((error: Error) => this.warn(`report of job ${jobId}: ${error.message}`));
          },
        },
        running.controller.signal,
      );
      await reports;
      if (running.stop === 'hand-back') {
        await job.moveToWait(token);
        this.emit('job:stopped', { ...about, handedBack: true });
        throw new WaitingError();
      }
      if (running.stop === 'cancelled') {
        this.emit('job:stopped', { ...about, handedBack: false });
        // The master gave up on the job: it must not look finished to a restarted master.
        throw new UnrecoverableError('cancelled by the master');
      }
      this.emit('job:finished', { ...about, outcome });
      return outcome;
    } finally {
      this.running.delete(jobId);
    }
  }

  private executorFor(data: EvaluationData): InlineExecutor {
    let executor = this.executors.get(data.timeoutMs);
    if (!executor) {
      executor = new InlineExecutor(this.objective!, {
        concurrency: this.concurrency,
        timeoutMs: data.timeoutMs,
        ...(this.options.workdir ? { workdir: this.options.workdir } : {}),
      });
      this.executors.set(data.timeoutMs, executor);
    }
    return executor;
  }

  private stop(jobId: string, reason: 'cancelled' | 'hand-back'): void {
    const running = this.running.get(jobId);
    if (!running || running.stop) return;
    running.stop = reason;
    running.controller.abort(new Error(reason === 'cancelled' ? 'cancelled by the master' : 'the worker is shutting down'));
  }

  private warn(message: string): void {
    if (message === this.lastWarning) return;
    this.lastWarning = message;
    this.emit('warning', { message });
  }
}

/** Starts a worker: loads the objective once, connects, and takes jobs until closed. */
export async function runWorker(options: WorkerOptions): Promise<DistributedWorker> {
  const worker = new DistributedWorker(options);
  await worker.start();
  return worker;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
