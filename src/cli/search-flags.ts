import * as path from 'node:path';
import type { SearchOptions } from '../core/search.js';
import type { DistributedExecutorOptions } from '../distributed/distributed-executor.js';
import type { ExecutorSpec } from '../executors/create-executor.js';
import type { InlineExecutorOptions } from '../executors/inline-executor.js';
import type { ThreadPoolExecutorOptions } from '../executors/thread-pool-executor.js';
import { OPTIMIZER_NAMES } from '../optimizers/optimizer.js';
import { type FlagTable, integer, number, text } from './flags.js';

/** The search's flags, each setting the {@link SearchOptions} field it is keyed by. */
export const SEARCH_FLAGS = {
  optimizer: { flag: '--optimizer <name>', description: 'optimizer', choices: OPTIMIZER_NAMES, defaultText: 'bohb' },
  minBudget: { flag: '--min-budget <n>', description: 'smallest budget', parse: number },
  maxBudget: { flag: '--max-budget <n>', description: 'largest budget', parse: number },
  eta: { flag: '--eta <n>', description: 'successive-halving rate', parse: number, defaultText: '3' },
  nIterations: {
    flag: '--iterations <n>',
    description: "successive-halving iterations (with --resume: the log's count unless given)",
    parse: integer,
  },
  seed: { flag: '--seed <n>', description: 'seed of every random choice (default: random, recorded in run.json)', parse: integer },
  logDir: { flag: '--log-dir <dir>', description: 'where configs.json and results.json are written', parse: text },
  asynchronous: { flag: '--asynchronous', description: 'asynchronous successive halving (ASHA): promote without waiting at rung barriers' },
  resume: { flag: '--resume', description: 'continue the search logged in --log-dir' },
  overwrite: { flag: '--overwrite', description: 'replace an existing run in --log-dir' },
  warmStartFrom: { flag: '--warm-start <dirs...>', description: "earlier runs (ours or hpbandster's) that feed the model" },
  allowLargePlan: {
    flag: '--allow-large-plan',
    description: 'run a plan of more than 1,000,000 evaluations (refused otherwise: usually a typo in the budgets or --eta)',
  },
} as const satisfies FlagTable<SearchOptions>;

/** Every executor option a flag can set (the executor kind is chosen from which flags are given). */
export type ExecutorFlagOptions = InlineExecutorOptions &
  Omit<ThreadPoolExecutorOptions, 'objective'> &
  Omit<DistributedExecutorOptions, 'runId'>;

/** The executor's flags, keyed by the executor option each sets. */
export const EXECUTOR_FLAGS = {
  concurrency: {
    flag: '--concurrency <n>',
    description: 'jobs run at once (in this process; with --redis: jobs kept in flight)',
    parse: integer,
  },
  timeoutMs: { flag: '--timeout <ms>', description: 'per-job timeout in milliseconds (0 = none)', parse: integer, defaultText: '0' },
  threads: { flag: '--workers <n>', description: 'run jobs in a pool of n worker threads (instead of in this process)', parse: integer },
  memoryMb: { flag: '--memory-mb <n>', description: 'heap cap of each worker thread in MiB (with --workers)', parse: integer },
  redis: {
    flag: '--redis <url>',
    description: 'run jobs on `bandster worker` processes through this Redis: redis://[:password@]host:port, rediss:// for TLS',
    parse: text,
  },
  queue: { flag: '--queue <name>', description: "the workers' queue (with --redis)", parse: text, defaultText: 'bandster' },
} as const satisfies FlagTable<ExecutorFlagOptions>;

/**
 * The executor the flags ask for: `--redis` → distributed, `--workers` → thread pool, otherwise in
 * this process. Flags that do not apply to that kind are passed on, and `createExecutor` names them.
 */
export function executorSpecFromFlags(
  flags: Partial<ExecutorFlagOptions>,
  search: { readonly objective: string; readonly logDir: string; readonly resume?: boolean; readonly overwrite?: boolean },
  onWarning: (message: string) => void,
): ExecutorSpec {
  const workdir = path.join(search.logDir, 'work');
  if (flags.redis !== undefined) {
    const { concurrency, ...rest } = flags;
    // The master never imports the objective: only the workers do.
    return {
      kind: 'distributed',
      ...rest,
      redis: flags.redis,
      capacity: concurrency,
      logDir: search.logDir,
      resume: search.resume,
      overwrite: search.overwrite,
      onWarning,
    };
  }
  if (flags.threads !== undefined) return { kind: 'thread-pool', ...flags, objective: search.objective, workdir };
  return { kind: 'inline', ...flags, objective: search.objective, workdir };
}
