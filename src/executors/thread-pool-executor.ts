import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import { followAbort } from '../core/abort-fan-out.js';
import { checkDelayMs, checkInteger, checkNonEmptyString, checkObject, checkTimeoutMs, invalidOption } from '../core/option-checks.js';
import type { Executor, Job, JobError, JobOutcome } from '../core/types.js';
import { ExecutorError } from './executor-error.js';
import { failed } from './objective-outcome.js';
import {
  CONTROL,
  TASK_STATE,
  type AbortMessage,
  type EvaluationTask,
  type ProbeResult,
  type ProbeTask,
  type ThreadMessage,
  type ThreadWorkerData,
} from './thread-pool-protocol.js';
import type { ThreadPoolSharedData } from './thread-pool-shared.js';

/** Options of the {@link ThreadPoolExecutor}. */
export interface ThreadPoolExecutorOptions {
  /**
   * Path or file URL of an ES module (JavaScript or TypeScript) exporting
   * `compute(config, budget, ctx)`, or a default function. Imported once per thread.
   */
  readonly objective: string;
  /** Threads, and so jobs run at once. @defaultValue `os.availableParallelism()` */
  readonly threads?: number;
  /**
   * Milliseconds an objective may run, counted from its start in a thread (after its module is
   * loaded); then its `ctx.signal` is aborted and the job fails as 'timeout'. Loading the module is
   * bounded by it too (`start()` fails, or the job, when its top-level code never finishes).
   * 0 = none; at most 2^31 − 1 (Node's longest timer). @defaultValue 0
   */
  readonly timeoutMs?: number;
  /**
   * Milliseconds an objective is given to return once its `ctx.signal` is aborted (timeout,
   * search stopped) before its thread is terminated and replaced. @defaultValue 1000
   */
  readonly abortGraceMs?: number;
  /**
   * Memory cap of each thread in MiB, enforced two ways: V8's old-generation heap of the thread
   * (`maxOldGenerationSizeMb`), and by measurement for what V8 does not count (WebAssembly memory,
   * native backends' allocations): when the process's RSS exceeds what it held once the threads had
   * started plus `threads × memoryMb`, the most recently started job is told to stop through its
   * AbortSignal (its thread is not terminated: a native backend's run cannot be interrupted safely)
   * and fails as 'out-of-memory' when it returns. Threads share one process, so a thread's own native
   * memory cannot be told apart: the measured cap holds for the threads together. @defaultValue no cap
   */
  readonly memoryMb?: number;
  /**
   * The whole process's memory cap in MiB, enforced by measurement: when its RSS exceeds it, the most
   * recently started job is told to stop (as above) and fails as 'out-of-memory' (a memory budget's
   * backstop: its admission rule may retry the job in a lighter profile). @defaultValue no cap
   */
  readonly processMemoryMb?: number;
  /** Memory given to each thread once (as `workerData`, never copied per task); objectives read it as `ctx.shared` or `threadSharedData()`. */
  readonly sharedData?: ThreadPoolSharedData;
  /** Directory under which each configuration gets a private working directory path (`ctx.workdir`). */
  readonly workdir?: string;
}

export const THREAD_POOL_EXECUTOR_DEFAULTS = Object.freeze({
  timeoutMs: 0,
  abortGraceMs: 1000,
  startTimeoutMs: 60_000,
  memorySampleMs: 100,
});

type Ending = 'aborted' | 'timeout' | 'closed' | 'out-of-memory';

/** A job in flight: what is needed to end it from outside (abort, timeout, close, a memory cap). */
interface Running {
  /** Why the main thread ended it, once it did. */
  ending: Ending | undefined;
  /** When its objective started (ms, this thread's clock), once it did. */
  startedMs: number | undefined;
  /** What the memory watchdog measured when it stopped the job. */
  memory?: { rssMb: number; limitMb: number; why: string };
  end(reason: Ending): void;
}

/**
 * Runs each job in a worker thread of a piscina pool, so CPU-bound objectives run in parallel
 * and a faulty one cannot take the search down: a thread that throws, calls `process.exit()`,
 * runs out of memory, or ignores its AbortSignal past its deadline is terminated and replaced,
 * and the job becomes a failed outcome. The objective module is imported once per thread
 * (TypeScript through tsx, registered in each thread before anything loads there).
 *
 * Nothing starts in the constructor: threads start on the first `submit()` or on `start()`.
 */
export class ThreadPoolExecutor implements Executor {
  readonly capacity: number;
  private readonly objectiveUrl: string;
  private readonly timeoutMs: number;
  private readonly abortGraceMs: number;
  private readonly options: ThreadPoolExecutorOptions;
  private pool: Promise<Piscina> | undefined;
  private readonly running = new Set<Running>();
  private closed = false;
  /** The process's RSS once the threads had started (the memoryMb cap counts from it). */
  private baselineRss: number | undefined;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(options: ThreadPoolExecutorOptions) {
    validateOptions(options);
    this.options = options;
    this.capacity = options.threads ?? availableParallelism();
    this.timeoutMs = options.timeoutMs ?? THREAD_POOL_EXECUTOR_DEFAULTS.timeoutMs;
    this.abortGraceMs = options.abortGraceMs ?? THREAD_POOL_EXECUTOR_DEFAULTS.abortGraceMs;
    this.objectiveUrl = options.objective.startsWith('file:') ? options.objective : pathToFileURL(path.resolve(options.objective)).href;
  }

  /**
   * Starts every thread and imports the objective in each; resolves when all are ready. Optional
   * (submit starts the pool too), but it keeps thread start-up out of the first jobs' times and
   * reports a bad objective module at once: rejects with ExecutorError (`ERR_OBJECTIVE_MODULE`)
   * when it cannot be loaded or exports no function, and (`ERR_EXECUTOR_CLOSED`) after close().
   */
  async start(): Promise<void> {
    if (this.closed) throw new ExecutorError('ERR_EXECUTOR_CLOSED', 'the executor is closed');
    const pool = await this.ensurePool();
    const arrived = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    const probe: ProbeTask = { kind: 'probe', arrived, threads: this.capacity, waitMs: THREAD_POOL_EXECUTOR_DEFAULTS.startTimeoutMs };
    // A probe whose thread dies (the module calls process.exit at its top level, say) releases the others at once.
    const releaseAll = (): void => {
      Atomics.store(arrived, 0, this.capacity);
      Atomics.notify(arrived, 0);
    };
    const probes = Promise.allSettled(
      Array.from({ length: this.capacity }, () =>
        (pool.run(probe) as Promise<ProbeResult>).catch((error: unknown) => {
          releaseAll();
          throw error;
        }),
      ),
    );
    // A module whose top-level code never finishes (an await on nothing) would hold start() forever:
    // with a timeout, loading is bounded by it, as a job is (close() then terminates the threads).
    let timer: NodeJS.Timeout | undefined;
    const loadTimeout =
      this.timeoutMs > 0
        ? new Promise<'timeout'>((resolve) => {
            timer = setTimeout(() => resolve('timeout'), this.timeoutMs);
          })
        : undefined;
    const settled = await (loadTimeout ? Promise.race([probes, loadTimeout]) : probes).finally(() => clearTimeout(timer));
    if (settled === 'timeout') {
      releaseAll();
      throw new ExecutorError(
        'ERR_OBJECTIVE_MODULE',
        `options.objective ${this.options.objective} cannot be used: it did not finish loading within options.timeoutMs (${this.timeoutMs} ms); its top-level code waits for something`,
      );
    }
    for (const result of settled) {
      const reason =
        result.status === 'rejected'
          ? `its thread stopped while importing it: ${(result.reason as Error)?.message ?? String(result.reason)}`
          : result.value.ok
            ? undefined
            : result.value.message;
      if (reason !== undefined)
        throw new ExecutorError('ERR_OBJECTIVE_MODULE', `options.objective ${this.options.objective} cannot be used: ${reason}`);
    }
    this.baselineRss = process.memoryUsage.rss();
  }

  /** Bytes the process may hold now (Infinity without a cap), and why. */
  private memoryLimit(): { bytes: number; why: string } {
    let limit = { bytes: Number.POSITIVE_INFINITY, why: '' };
    const { memoryMb, processMemoryMb } = this.options;
    if (processMemoryMb !== undefined) limit = { bytes: processMemoryMb * MIB, why: `the process's cap of ${processMemoryMb} MiB` };
    if (memoryMb !== undefined && this.baselineRss !== undefined) {
      const baseline = this.baselineRss;
      const bytes = baseline + this.capacity * memoryMb * MIB;
      if (bytes < limit.bytes)
        limit = {
          bytes,
          why: `${Math.round(baseline / MIB)} MiB once the threads had started + ${this.capacity} threads × ${memoryMb} MiB (memoryMb)`,
        };
    }
    return limit;
  }

  /** Samples the process's RSS while jobs run; past the cap, stops the most recently started job (one at a time). */
  private watchMemory(): void {
    if (this.watchdog || (this.options.memoryMb === undefined && this.options.processMemoryMb === undefined)) return;
    this.watchdog = setInterval(() => {
      if (this.running.size === 0) {
        clearInterval(this.watchdog);
        this.watchdog = undefined;
        return;
      }
      const limit = this.memoryLimit();
      const rss = process.memoryUsage.rss();
      if (rss <= limit.bytes) return;
      const started = [...this.running].filter((job) => job.startedMs !== undefined);
      if (started.some((job) => job.ending === 'out-of-memory')) return;
      const newest = started.filter((job) => !job.ending).sort((a, b) => (b.startedMs ?? 0) - (a.startedMs ?? 0))[0];
      if (!newest) return;
      newest.memory = { rssMb: Math.round(rss / MIB), limitMb: Math.round(limit.bytes / MIB), why: limit.why };
      newest.end('out-of-memory');
    }, THREAD_POOL_EXECUTOR_DEFAULTS.memorySampleMs);
    this.watchdog.unref();
  }

  async submit(job: Job, signal: AbortSignal): Promise<JobOutcome> {
    if (this.closed) return failed('aborted', 'the executor is closed');
    if (signal.aborted) return failed('aborted', 'the search was aborted before the job started');
    const pool = await this.ensurePool();
    // Either may have happened while the pool was being created.
    if (this.closed) return failed('aborted', 'the executor is closed');
    if (signal.aborted) return failed('aborted', 'the search was aborted before the job started');
    const { port1, port2 } = new MessageChannel();
    const control = new Int32Array(new SharedArrayBuffer(CONTROL.length * Int32Array.BYTES_PER_ELEMENT));
    const kill = new AbortController();
    let started = false;
    /** True when the thread was terminated because the objective outlived its abort grace period. */
    let killedAfterGrace = false;
    let graceTimer: NodeJS.Timeout | undefined;
    let timeoutTimer: NodeJS.Timeout | undefined;
    let startedAt: number | undefined;
    let outcome: JobOutcome | undefined;

    const running: Running = {
      ending: undefined,
      startedMs: undefined,
      end: (reason) => {
        if (running.ending) return;
        running.ending = reason;
        // Closing destroys the pool; a job not yet in a thread is simply removed from the queue.
        if (reason === 'closed') return;
        if (Atomics.load(control, CONTROL.state) === TASK_STATE.queued) {
          kill.abort();
          return;
        }
        port1.postMessage({ type: 'abort', reason: reason === 'timeout' ? 'timeout' : 'aborted' } satisfies AbortMessage);
        // A memory stop waits for the objective to return: terminating a thread inside a native
        // backend's run (ONNX Runtime) can take the whole process down, and a terminated thread's
        // native memory is not seen to come back.
        if (reason === 'out-of-memory') return;
        graceTimer = setTimeout(() => {
          killedAfterGrace = true;
          kill.abort();
        }, this.abortGraceMs);
      },
    };
    const onMessage = (message: ThreadMessage): void => {
      if (message.type === 'start') {
        if (started) return;
        started = true;
        startedAt = message.startedAt;
        running.startedMs = performance.now();
        // Without start(), the threads' start-up is over once one runs an objective.
        this.baselineRss ??= process.memoryUsage.rss();
        job.onStart?.();
        if (this.timeoutMs > 0 && !running.ending) timeoutTimer = setTimeout(() => running.end('timeout'), this.timeoutMs);
      } else if (message.type === 'report') {
        job.onReport?.(message.step, message.loss);
      } else {
        if (!started) onMessage({ type: 'start', startedAt: message.startedAt });
        outcome = message.outcome;
        startedAt = message.startedAt;
      }
    };
    /** Delivers what the thread sent before the task ended (its messages precede piscina's reply). */
    const drain = (): void => {
      for (let entry = receiveMessageOnPort(port1); entry !== undefined; entry = receiveMessageOnPort(port1))
        onMessage(entry.message as ThreadMessage);
    };
    port1.on('message', onMessage);
    const link = followAbort(signal, () => running.end('aborted'));
    this.running.add(running);
    this.watchMemory();
    const task: EvaluationTask = {
      kind: 'evaluate',
      loadTimeoutMs: this.timeoutMs,
      configId: job.configId,
      config: job.config,
      budget: job.budget,
      workdir: this.options.workdir === undefined ? undefined : path.join(this.options.workdir, job.configId.join('_')),
      hints: job.hints,
      port: port2,
      control,
    };
    let threadError: unknown;
    let threadFailed = false;
    try {
      await pool.run(task, { transferList: [port2], signal: kill.signal });
    } catch (error) {
      threadFailed = true;
      threadError = error;
    } finally {
      drain();
      clearTimeout(graceTimer);
      clearTimeout(timeoutTimer);
      link.done();
      port1.off('message', onMessage);
      port1.close();
      this.running.delete(running);
    }
    const stamp = (result: JobOutcome): JobOutcome => (startedAt === undefined ? result : { ...result, startedAt });
    if (running.ending) return stamp(this.endedOutcome(running, killedAfterGrace));
    if (threadFailed) return stamp(this.threadFailure(threadError, control));
    return stamp(outcome ?? failed('worker-exit', 'the thread finished the task without sending its outcome'));
  }

  /**
   * Closes the pool: every thread is terminated (jobs still running end as 'aborted' outcomes),
   * and later submits fail as 'aborted'.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watchdog);
    for (const running of this.running) running.end('closed');
    const pool = await this.pool?.catch(() => undefined);
    await pool?.destroy();
  }

  private ensurePool(): Promise<Piscina> {
    this.pool ??= import('piscina').then(({ Piscina }) => {
      const threads = this.capacity;
      const workerData: ThreadWorkerData = { objectiveUrl: this.objectiveUrl, shared: this.options.sharedData };
      const pool = new Piscina({
        filename: workerHandlerUrl(),
        minThreads: threads,
        maxThreads: threads,
        idleTimeout: Infinity,
        concurrentTasksPerWorker: 1,
        workerData,
        // Our own preload only: the parent's execArgv (e.g. --test flags) may not be valid for a worker.
        execArgv: ['--import', typescriptPreload()],
        ...(this.options.memoryMb === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: this.options.memoryMb } }),
      });
      // A thread that crashes between tasks (an abandoned timer throwing, say) is replaced by
      // piscina; without a listener its 'error' event would crash this process.
      pool.on('error', () => {});
      return pool;
    });
    return this.pool;
  }

  /** The outcome of a job this executor ended itself. */
  private endedOutcome(running: Running, killed: boolean): JobOutcome {
    const ending = running.ending;
    const terminated = killed ? ` and did not return within ${this.abortGraceMs} ms of its AbortSignal; its thread was terminated` : '';
    if (ending === 'out-of-memory') {
      const memory = running.memory;
      return failed(
        'out-of-memory',
        `the process's RSS reached ${memory?.rssMb} MiB, over its cap of ${memory?.limitMb} MiB (${memory?.why}): the most recently started job was told to stop (its AbortSignal) and is recorded as out of memory`,
      );
    }
    if (ending === 'timeout') return failed('timeout', `the job ran past its timeout of ${this.timeoutMs} ms${terminated}`);
    if (ending === 'closed')
      return failed('aborted', 'the executor was closed while the job was queued or running; its thread was terminated');
    return failed('aborted', `the job was aborted${terminated}`);
  }

  /** Why a thread died under a job, from what the thread wrote into the task's control block. */
  private threadFailure(error: unknown, control: Int32Array): JobOutcome {
    const cause = error instanceof Error ? error : new Error(String(error));
    if ((cause as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
      const cap = this.options.memoryMb === undefined ? "V8's default heap limit" : `its cap of ${this.options.memoryMb} MiB (memoryMb)`;
      return failed('out-of-memory', `the objective's thread ran out of memory past ${cap}: ${cause.message}`);
    }
    const state = Atomics.load(control, CONTROL.state);
    if (state === TASK_STATE.uncaught) {
      return failed(
        'threw',
        `the objective's thread crashed on an uncaught error (a callback or a promise nobody awaited): ${cause.message}`,
        cause.stack,
      );
    }
    if (state === TASK_STATE.exited) {
      const code = Atomics.load(control, CONTROL.exitCode);
      return failed(
        'worker-exit',
        `the objective ended its thread with process.exit(${code}) (in a thread this stops the thread, not the process: return a loss or throw instead)`,
      );
    }
    const kind: JobError['kind'] = 'worker-exit';
    return failed(kind, `the objective's thread stopped: ${cause.message}`, cause.stack);
  }
}

const MIB = 2 ** 20;

/** The thread-side handler beside this file: `.ts` when running from source (under tsx), `.js` when built. */
function workerHandlerUrl(): string {
  const here = fileURLToPath(import.meta.url);
  return pathToFileURL(path.join(path.dirname(here), `thread-pool-worker${path.extname(here)}`)).href;
}

/**
 * A `--import` preload registering tsx's ESM loader in the thread, so that both a TypeScript
 * objective and (when running from source) the handler itself load. On Node 20 a thread does
 * not inherit the parent's module hooks, and `--import tsx` in a worker's execArgv does not
 * install them for dynamic `import()`; calling tsx's `register()` inside the thread does.
 */
function typescriptPreload(): string {
  const api = import.meta.resolve('tsx/esm/api');
  return `data:text/javascript,import { register } from ${JSON.stringify(api)}; register();`;
}

function validateOptions(options: ThreadPoolExecutorOptions): void {
  checkObject(options, 'options');
  if (typeof options.objective !== 'string' || options.objective.trim() === '') {
    throw invalidOption('options.objective', 'the path or file URL of an ES module', options.objective);
  }
  const { threads, timeoutMs, abortGraceMs, memoryMb, processMemoryMb, sharedData, workdir } = options;
  if (threads !== undefined) checkInteger(threads, 'options.threads', { min: 1 });
  if (timeoutMs !== undefined) checkTimeoutMs(timeoutMs, 'options.timeoutMs');
  if (abortGraceMs !== undefined) checkDelayMs(abortGraceMs, 'options.abortGraceMs');
  if (memoryMb !== undefined) checkInteger(memoryMb, 'options.memoryMb', { min: 1 });
  if (processMemoryMb !== undefined) checkInteger(processMemoryMb, 'options.processMemoryMb', { min: 1 });
  if (sharedData !== undefined && !(sharedData instanceof SharedArrayBuffer)) {
    const record = sharedData !== null && typeof sharedData === 'object' && Object.getPrototypeOf(sharedData) === Object.prototype;
    if (!record) throw invalidOption('options.sharedData', 'a SharedArrayBuffer or a record of them', sharedData);
    const bad = Object.entries(sharedData).find(([, value]) => !(value instanceof SharedArrayBuffer));
    if (bad) throw invalidOption(`options.sharedData.${bad[0]}`, 'a SharedArrayBuffer', bad[1]);
  }
  if (workdir !== undefined) checkNonEmptyString(workdir, 'options.workdir');
}
