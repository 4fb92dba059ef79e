// Shared memory of a ThreadPoolExecutor, as an objective running in one of its threads sees it.
import { isMainThread, workerData } from 'node:worker_threads';
import type { TrialContext } from '../core/types.js';

/**
 * Memory every thread of a pool sees: one SharedArrayBuffer, or several by name. Handed to
 * each thread once when it starts (as `workerData`): a SharedArrayBuffer is shared, never
 * copied, so a dataset of any size costs nothing per task.
 */
export type ThreadPoolSharedData = SharedArrayBuffer | Readonly<Record<string, SharedArrayBuffer>>;

/** The context an objective gets in a ThreadPoolExecutor thread: a TrialContext plus the shared memory. */
export interface ThreadTrialContext extends TrialContext {
  /** The executor's `sharedData`; the same memory in every thread and every task. */
  readonly shared?: ThreadPoolSharedData;
}

/**
 * The executor's `sharedData`, for code running in one of its threads (e.g. at the top level of
 * an objective module, to build views once); `undefined` on the main thread or without shared data.
 */
export function threadSharedData(): ThreadPoolSharedData | undefined {
  if (isMainThread) return undefined;
  return (workerData as { shared?: ThreadPoolSharedData } | null | undefined)?.shared;
}
