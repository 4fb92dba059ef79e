import { InvalidOptionError } from '../core/errors.js';
import { checkTimeoutMs } from '../core/option-checks.js';
import type { Executor, Objective } from '../core/types.js';
import type { DistributedExecutorOptions } from '../distributed/distributed-executor.js';
import type { InlineExecutorOptions } from './inline-executor.js';
import type { ThreadPoolExecutorOptions } from './thread-pool-executor.js';

/** Runs jobs in this thread: the objective is a function, or a module loaded here. */
export interface InlineExecutorSpec extends InlineExecutorOptions {
  readonly kind: 'inline';
  readonly objective: Objective | string;
}

/** Runs jobs in a pool of worker threads; the objective module is imported in each thread. */
export interface ThreadPoolExecutorSpec extends ThreadPoolExecutorOptions {
  readonly kind: 'thread-pool';
}

/**
 * Runs jobs on `bandster worker` processes through Redis. The run id is given, or derived from the
 * search's log directory (`distributedRunId`), so that a resumed master finds the jobs its workers
 * finished while it was down.
 */
export type DistributedExecutorSpec = Omit<DistributedExecutorOptions, 'runId'> & {
  readonly kind: 'distributed';
  /** Told of Redis troubles that do not fail a job. */
  readonly onWarning?: (message: string) => void;
} & (
    | { readonly runId: string }
    | { readonly runId?: undefined; readonly logDir: string; readonly resume?: boolean; readonly overwrite?: boolean }
  );

/**
 * Which executor to build and its options; `createExecutor` turns it into a started
 * {@link Executor}, and a `Search` given a spec builds (and closes) its executor itself.
 */
export type ExecutorSpec = InlineExecutorSpec | ThreadPoolExecutorSpec | DistributedExecutorSpec;

/** The options each kind takes: any other field is an error naming it, never silently ignored. */
const OPTIONS_BY_KIND = {
  inline: ['objective', 'concurrency', 'timeoutMs', 'workdir'],
  'thread-pool': ['objective', 'threads', 'timeoutMs', 'abortGraceMs', 'memoryMb', 'processMemoryMb', 'sharedData', 'workdir'],
  distributed: [
    'redis',
    'queue',
    'runId',
    'logDir',
    'resume',
    'overwrite',
    'capacity',
    'timeoutMs',
    'connectionOptions',
    'connectTimeoutMs',
    'reconcileIntervalMs',
    'onWarning',
  ],
} as const satisfies Record<ExecutorSpec['kind'], readonly string[]>;

export const EXECUTOR_KINDS = Object.freeze(Object.keys(OPTIONS_BY_KIND) as ExecutorSpec['kind'][]);

/** True for an executor object (as opposed to a spec). */
export function isExecutor(value: Executor | ExecutorSpec): value is Executor {
  return typeof (value as Executor).submit === 'function';
}

/**
 * Checks a spec's kind and that it carries no option of another kind (the options' values are
 * checked by the executor's constructor).
 * @throws InvalidOptionError naming the option.
 */
export function validateExecutorSpec(spec: ExecutorSpec): void {
  if (spec === null || typeof spec !== 'object') throw new InvalidOptionError(`executor spec must be an object (got ${String(spec)})`);
  if (!EXECUTOR_KINDS.includes(spec.kind)) {
    throw new InvalidOptionError(
      `options.executor.kind must be one of ${EXECUTOR_KINDS.join(', ')} (got ${JSON.stringify((spec as { kind?: unknown }).kind)})`,
    );
  }
  const allowed: readonly string[] = OPTIONS_BY_KIND[spec.kind];
  for (const [field, value] of Object.entries(spec)) {
    if (field === 'kind' || value === undefined || allowed.includes(field)) continue;
    const owners = EXECUTOR_KINDS.filter((kind) => (OPTIONS_BY_KIND[kind] as readonly string[]).includes(field));
    throw new InvalidOptionError(
      `options.${field} does not apply to the ${spec.kind} executor${owners.length > 0 ? ` (only to: ${owners.join(', ')})` : ''}`,
    );
  }
}

/**
 * Builds the executor a spec describes and makes it ready: the pool's threads have loaded the
 * objective, the distributed executor has reached Redis — so a wrong module or URL is an error
 * now, not a silent wait. An executor that fails to start is closed before the error is thrown.
 * The heavy executors (piscina, BullMQ) are loaded only when asked for.
 * @throws InvalidOptionError naming the option at fault.
 */
export async function createExecutor(spec: ExecutorSpec): Promise<Executor> {
  validateExecutorSpec(spec);
  switch (spec.kind) {
    case 'inline': {
      const { kind: _, objective, ...options } = spec;
      const { InlineExecutor } = await import('./inline-executor.js');
      if (typeof objective === 'string') {
        const { loadObjective } = await import('./objective-loader.js');
        // Loading is bounded like a job: by the timeout, and by the event loop running dry.
        const timeoutMs = checkTimeoutMs(options.timeoutMs ?? 0, 'options.timeoutMs');
        return new InlineExecutor(await loadObjective(objective, 'options.objective', { timeoutMs }), options);
      }
      return new InlineExecutor(objective, options);
    }
    case 'thread-pool': {
      const { kind: _, ...options } = spec;
      const { ThreadPoolExecutor } = await import('./thread-pool-executor.js');
      const executor = new ThreadPoolExecutor(options);
      return startOrClose(executor, () => executor.start());
    }
    case 'distributed': {
      const { kind: _, onWarning, ...rest } = spec;
      const { DistributedExecutor } = await import('../distributed/distributed-executor.js');
      let runId = rest.runId;
      if (runId === undefined) {
        const { distributedRunId } = await import('../distributed/distributed-run-id.js');
        const { logDir, resume, overwrite } = rest as { logDir: string; resume?: boolean; overwrite?: boolean };
        if (typeof logDir !== 'string' || logDir === '') {
          throw new InvalidOptionError('options.runId or options.logDir is needed for a distributed executor');
        }
        runId = distributedRunId(logDir, { resume, overwrite });
      }
      const {
        logDir: _logDir,
        resume: _resume,
        overwrite: _overwrite,
        ...options
      } = rest as typeof rest & {
        logDir?: string;
        resume?: boolean;
        overwrite?: boolean;
      };
      const executor = new DistributedExecutor({ ...options, runId });
      if (onWarning) executor.on('warning', ({ message }) => onWarning(message));
      return startOrClose(executor, () => executor.connect());
    }
  }
}

async function startOrClose<E extends Executor>(executor: E, start: () => Promise<void>): Promise<E> {
  try {
    await start();
  } catch (error) {
    await executor.close();
    throw error;
  }
  return executor;
}
