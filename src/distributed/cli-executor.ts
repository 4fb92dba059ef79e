import { DistributedExecutor, DISTRIBUTED_EXECUTOR_DEFAULTS } from './distributed-executor.js';
import { distributedRunId } from './distributed-run-id.js';

/** What `bandster run --redis` passes on. */
export interface CliDistributedOptions {
  readonly redis: string;
  readonly queue: string;
  /** `--concurrency` when given on the command line: the jobs kept in flight. */
  readonly capacity: number | undefined;
  readonly timeoutMs: number;
  readonly logDir: string;
  readonly resume: boolean;
  readonly overwrite: boolean;
  readonly warn: (message: string) => void;
}

/**
 * The executor of `bandster run --redis`: the run id comes from the log directory (so that
 * `--resume` finds the jobs workers finished while the master was down), and Redis is reached
 * before the search starts, so a wrong URL or password is an error at once, not a silent wait.
 * The master never imports the objective: only the workers do.
 */
export async function cliDistributedExecutor(options: CliDistributedOptions): Promise<DistributedExecutor> {
  const executor = new DistributedExecutor({
    redis: options.redis,
    queue: options.queue,
    runId: distributedRunId(options.logDir, { resume: options.resume, overwrite: options.overwrite }),
    capacity: options.capacity ?? DISTRIBUTED_EXECUTOR_DEFAULTS.capacity,
    timeoutMs: options.timeoutMs,
  });
  executor.on('warning', ({ message }) => options.warn(message));
  try {
    await executor.connect();
  } catch (error) {
    await executor.close();
    throw error;
  }
  return executor;
}
