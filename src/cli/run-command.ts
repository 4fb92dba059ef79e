import * as fs from 'node:fs';
import { Command, Option } from 'commander';
import { InvalidOptionError } from '../core/errors.js';
import type { Executor } from '../core/types.js';
import { Search } from '../core/search.js';
import { OPTIMIZER_NAMES, type OptimizerName } from '../optimizers/optimizer.js';
import { planFor, plannedEvaluations } from '../optimizers/bracket-plan.js';
import { readConfigSpaceJson } from '../space/configspace-json.js';
import { loadObjective } from './load-objective.js';
import { number, integer, stopOnSignals } from './cli-values.js';
import { attachProgress } from './progress.js';
import { formatSummary } from './print-summary.js';

export function runCommand(): Command {
  return new Command('run')
    .description('run a search: space from ConfigSpace JSON, objective from an ES module exporting compute(config, budget, ctx)')
    .requiredOption('--space <file>', 'configuration space (ConfigSpace JSON, 0.4 or 1.x schema)')
    .requiredOption('--objective <module>', 'ES module (JavaScript or TypeScript) exporting compute(config, budget, ctx)')
    .requiredOption('--min-budget <n>', 'smallest budget', number('--min-budget'))
    .requiredOption('--max-budget <n>', 'largest budget', number('--max-budget'))
    .option('--eta <n>', 'successive-halving rate', number('--eta'), 3)
    .option('--iterations <n>', 'successive-halving iterations', integer('--iterations'), 10)
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(OPTIMIZER_NAMES).default('bohb'))
    .option('--seed <n>', 'seed of every random choice (default: random, recorded in run.json)', integer('--seed'))
    .option('--log-dir <dir>', 'where configs.json and results.json are written', 'runs/latest')
    .option('--asynchronous', 'asynchronous successive halving (ASHA): promote without waiting at rung barriers', false)
    .option('--resume', 'continue the search logged in --log-dir', false)
    .option('--overwrite', 'replace an existing run in --log-dir', false)
    .option('--warm-start <dirs...>', "earlier runs (ours or hpbandster's) that feed the model")
    .option('--concurrency <n>', 'jobs run at once in this process', integer('--concurrency'), 1)
    .option('--timeout <ms>', 'per-job timeout in milliseconds (0 = none)', integer('--timeout'), 0)
    .option('--workers <n>', 'run jobs in a pool of n worker threads (instead of in this process)', integer('--workers'))
    .option('--memory-mb <n>', 'heap cap of each worker thread in MiB (needs --workers)', integer('--memory-mb'))
    .option('--redis <url>', 'run jobs on `bandster worker` processes through this Redis: redis://[:password@]host:port, rediss:// for TLS')
    .option('--queue <name>', "the workers' queue (with --redis)", 'bandster')
    .option('--json', 'print the result as JSON on stdout instead of a summary', false)
    .action(async (opts, command: Command) => {
      if (!fs.existsSync(opts.space)) throw new InvalidOptionError(`--space ${opts.space}: no such file`);
      const space = readConfigSpaceJson(fs.readFileSync(opts.space, 'utf8'));
      if (opts.memoryMb !== undefined && opts.workers === undefined) throw new InvalidOptionError('--memory-mb needs --workers');
      if (opts.redis !== undefined && opts.workers !== undefined)
        throw new InvalidOptionError(
          '--redis and --workers exclude each other (workers of a distributed search are `bandster worker` processes)',
        );
      const executor =
        opts.redis !== undefined
          ? await distributedExecutor(opts, command.getOptionValueSource('concurrency') === 'cli')
          : opts.workers === undefined
            ? await inlineExecutor(opts)
            : await threadPoolExecutor(opts);
      const search = new Search({
        space,
        executor,
        optimizer: opts.optimizer as OptimizerName,
        minBudget: opts.minBudget,
        maxBudget: opts.maxBudget,
        eta: opts.eta,
        nIterations: opts.iterations,
        asynchronous: opts.asynchronous,
        seed: opts.seed,
        logDir: opts.logDir,
        resume: opts.resume,
        overwrite: opts.overwrite,
        warmStartFrom: opts.warmStart,
      });
      search.on('warning', ({ message }) => process.stderr.write(`warning: ${message}\n`));
      const planned = plannedEvaluations(
        planFor(opts.optimizer, { minBudget: opts.minBudget, maxBudget: opts.maxBudget, eta: opts.eta }),
        opts.iterations,
      );
      const stopProgress = opts.json ? () => {} : attachProgress(search, planned);
      const signal = stopOnSignals();
      const result = await search.run({ signal }).finally(async () => {
        stopProgress();
        await executor.close();
      });
      if (opts.json) process.stdout.write(`${JSON.stringify(result.toJSON())}\n`);
      else
        process.stdout.write(
          `${formatSummary(result, `search finished${signal.aborted ? ' (interrupted: run again with --resume to continue)' : ''}; logs in ${opts.logDir}`)}\n`,
        );
    });
}

async function inlineExecutor(opts: { objective: string; concurrency: number; timeout: number; logDir: string }): Promise<Executor> {
  const objective = await loadObjective(opts.objective);
  const { InlineExecutor } = await import('../executors/inline-executor.js');
  return new InlineExecutor(objective, { concurrency: opts.concurrency, timeoutMs: opts.timeout, workdir: `${opts.logDir}/work` });
}

/** The objective is imported in each thread only; start() reports a module that cannot be used before the search begins. */
async function threadPoolExecutor(opts: {
  objective: string;
  workers: number;
  memoryMb?: number;
  timeout: number;
  logDir: string;
}): Promise<Executor> {
  if (opts.workers < 1) throw new InvalidOptionError(`--workers must be an integer >= 1 (got ${opts.workers})`);
  if (opts.memoryMb !== undefined && opts.memoryMb < 1)
    throw new InvalidOptionError(`--memory-mb must be an integer >= 1 (got ${opts.memoryMb})`);
  const { ThreadPoolExecutor } = await import('../executors/thread-pool-executor.js');
  const executor = new ThreadPoolExecutor({
    objective: opts.objective,
    threads: opts.workers,
    memoryMb: opts.memoryMb,
    timeoutMs: opts.timeout,
    workdir: `${opts.logDir}/work`,
  });
  try {
    await executor.start();
  } catch (error) {
    await executor.close();
    throw error;
  }
  return executor;
}

/** Jobs go to `bandster worker` processes through Redis; --concurrency (when given) is the number kept in flight. */
async function distributedExecutor(
  opts: { redis: string; queue: string; concurrency: number; timeout: number; logDir: string; resume: boolean; overwrite: boolean },
  concurrencyGiven: boolean,
): Promise<Executor> {
  const { cliDistributedExecutor } = await import('../distributed/cli-executor.js');
  const { redis, queue, timeout: timeoutMs, logDir, resume, overwrite } = opts;
  return cliDistributedExecutor({
    redis,
    queue,
    timeoutMs,
    logDir,
    resume,
    overwrite,
    capacity: concurrencyGiven ? opts.concurrency : undefined,
    warn: (message) => process.stderr.write(`warning: ${message}\n`),
  });
}
