/**
 * bandster/distributed: searches whose evaluations run on a fleet of worker processes, through
 * a BullMQ queue in Redis. A separate entry point so that `bandster` itself needs no Redis client.
 *
 * @example
 * ```ts
 * // master
 * import { Search } from 'bandster';
 * import { DistributedExecutor, distributedRunId } from 'bandster/distributed';
 * const executor = new DistributedExecutor({ redis: 'redis://:secret@queue-host:6379', runId: distributedRunId('runs/unet') });
 * await executor.connect(); // fail fast on a wrong URL or password
 * const result = await new Search({ space, executor, minBudget: 1, maxBudget: 27, nIterations: 8, logDir: 'runs/unet' }).run();
 * await executor.close();
 *
 * // each worker machine
 * import { runWorker } from 'bandster/distributed';
 * const worker = await runWorker({ redis: 'redis://:secret@queue-host:6379', objective: './objective.js' });
 * process.once('SIGTERM', () => worker.close());
 * ```
 */
export { DistributedExecutor, DISTRIBUTED_EXECUTOR_DEFAULTS } from './distributed-executor.js';
export type { DistributedExecutorEvents, DistributedExecutorOptions } from './distributed-executor.js';
export { DistributedWorker, runWorker, WORKER_DEFAULTS } from './distributed-worker.js';
export type { DistributedWorkerEvents, WorkerOptions } from './distributed-worker.js';
export { distributedRunId, DISTRIBUTED_RUN_FILE } from './distributed-run-id.js';
export { DistributedError, RedisConnectionError } from './distributed-error.js';
export type { DistributedErrorCode } from './distributed-error.js';
export { evaluationJobId } from './evaluation-wire.js';
export type { EvaluationData } from './evaluation-wire.js';
export type { RedisConnectionOptions } from './redis-connection.js';
