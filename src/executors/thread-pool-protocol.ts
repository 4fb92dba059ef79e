// What the main thread and a ThreadPoolExecutor thread say to each other. Imported by both
// sides; holds types and constants only, so that loading it in a thread costs nothing.
import type { MessagePort } from 'node:worker_threads';
import type { ConfigId, Configuration, JobHints, JobOutcome } from '../core/types.js';
import type { ThreadPoolSharedData } from './thread-pool-shared.js';

/** Given to every thread once, as its `workerData` (never copied per task). */
export interface ThreadWorkerData {
  /** File URL of the objective module. */
  readonly objectiveUrl: string;
  /** The executor's `sharedData`: SharedArrayBuffers are shared, not copied, when a thread starts. */
  readonly shared: ThreadPoolSharedData | undefined;
}

/**
 * Slots of a task's control block, an Int32Array over a SharedArrayBuffer. The thread writes
 * them synchronously from its `exit` / `uncaughtExceptionMonitor` handlers, so the main thread
 * learns why a thread died even when no message could be sent any more.
 */
export const CONTROL = Object.freeze({ state: 0, exitCode: 1, length: 2 });

/** Values of `CONTROL.state`. */
export const TASK_STATE = Object.freeze({ queued: 0, running: 1, exited: 2, uncaught: 3 });

/** One evaluation, as posted to a thread (with `port` in the transfer list). */
export interface EvaluationTask {
  readonly kind: 'evaluate';
  /** Milliseconds the thread waits for the objective module to load before failing the job ('timeout'); 0 = no bound. */
  readonly loadTimeoutMs: number;
  readonly configId: ConfigId;
  readonly config: Configuration;
  readonly budget: number;
  readonly workdir: string | undefined;
  /** The job's hints (`ctx.hints`). */
  readonly hints: JobHints | undefined;
  /** Carries start, reports and the outcome to the main thread, and aborts to the thread. */
  readonly port: MessagePort;
  /** Int32Array view of `CONTROL.length` slots over a SharedArrayBuffer. */
  readonly control: Int32Array;
}

/**
 * Loads the objective and waits until `threads` probes hold a thread each, so every thread
 * has started and imported the objective once all probes resolve.
 */
export interface ProbeTask {
  readonly kind: 'probe';
  /** Int32Array(1) counter over a SharedArrayBuffer shared by the probes of one start(). */
  readonly arrived: Int32Array;
  readonly threads: number;
  readonly waitMs: number;
}

export type ThreadTask = EvaluationTask | ProbeTask;

/** What a probe resolves to. */
export type ProbeResult = { readonly ok: true } | { readonly ok: false; readonly message: string; readonly stack?: string };

/** Thread → main thread, on a task's port. */
export type ThreadMessage =
  | { readonly type: 'start'; readonly startedAt: number }
  | { readonly type: 'report'; readonly step: number; readonly loss: number }
  | { readonly type: 'outcome'; readonly outcome: JobOutcome; readonly startedAt: number };

/** Main thread → thread, on a task's port: aborts the objective's `ctx.signal`. */
export interface AbortMessage {
  readonly type: 'abort';
  readonly reason: 'aborted' | 'timeout';
}
