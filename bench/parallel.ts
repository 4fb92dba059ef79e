// Thread-pool benchmark: how well a BOHB search uses 1…32 worker threads, and what one job
// costs to dispatch through the pool, against the in-process InlineExecutor in the same run.
//
// Run: `node --import tsx bench/parallel.ts [--quick]`, or import it and call run().
//
// This file is also the objective module the pool threads import: `compute` sleeps
// budget × (ms per budget unit) milliseconds, the factor being read from the executor's
// shared memory (0 there, or no shared memory at all, makes it return at once). Sleeping
// objectives are what a parallel search is for (training waits on a GPU or a process) and
// they let 32 threads run in parallel on a 2-core machine, so the table measures the
// scheduler and the pool, not the cores.
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import type { Executor, Job, TrialContext } from '../src/core/types.js';
import type { ThreadTrialContext } from '../src/executors/thread-pool-shared.js';

const WORKERS = [1, 2, 4, 8, 16, 32];
const MS_PER_BUDGET = 0.5;
const BUDGETS = { minBudget: 9, maxBudget: 243, eta: 3 };
const DISPATCH_TARGET = 2000;

/** The objective the pool threads import. */
export async function compute(config: Record<string, unknown>, budget: number, ctx: TrialContext): Promise<{ loss: number }> {
  const shared = (ctx as ThreadTrialContext).shared;
  const msPerBudget = shared instanceof SharedArrayBuffer ? new Float64Array(shared)[0] : 0;
  if (msPerBudget > 0) await new Promise((resolve) => setTimeout(resolve, budget * msPerBudget));
  let ones = 0;
  for (const value of Object.values(config)) ones += Number(value);
  return { loss: -ones };
}

interface Row {
  readonly wallSeconds: number;
  readonly evaluations: number;
  /** Σ (finished − started) over the runs, in seconds. */
  readonly busySeconds: number;
}

/** Prints both tables. */
export async function run(options: { quick?: boolean; write?: (text: string) => void } = {}): Promise<void> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const quick = options.quick ?? false;
  const { ThreadPoolExecutor } = await import('../src/executors/thread-pool-executor.js');
  const { InlineExecutor } = await import('../src/executors/inline-executor.js');
  const { Search } = await import('../src/core/search.js');
  const { countingOnes } = await import('../src/benchmarks/counting-ones.js');
  const { hyperbandPlan, plannedEvaluations } = await import('../src/optimizers/bracket-plan.js');
  const objective = import.meta.url;
  const { space } = countingOnes();
  // Enough iterations that the last promotions (a chain of ever longer jobs) are a small part of the run.
  const nIterations = quick ? 4 : 40;
  const workerCounts = quick ? [1, 2, 4, 8] : WORKERS;
  const sleepFactor = new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT);
  new Float64Array(sleepFactor)[0] = MS_PER_BUDGET;

  const searchRow = async (workers: number, asynchronous: boolean): Promise<Row> => {
    const executor = new ThreadPoolExecutor({ objective, threads: workers, sharedData: sleepFactor });
    try {
      await executor.start(); // thread start-up (tsx, module import) is not part of the search
      const started = performance.now();
      const result = await new Search({ space, executor, ...BUDGETS, nIterations, seed: 1, asynchronous }).run();
      const wallSeconds = (performance.now() - started) / 1000;
      const runs = result.allRuns();
      const busySeconds = runs.reduce((sum, r) => sum + (r.timestamps.finished - r.timestamps.started), 0);
      return { wallSeconds, evaluations: runs.length, busySeconds };
    } finally {
      await executor.close();
    }
  };

  const planned = plannedEvaluations(hyperbandPlan(BUDGETS), nIterations);
  const work = sequentialSleepSeconds(hyperbandPlan(BUDGETS), nIterations);
  write(
    `\n1. parallel efficiency: BOHB on counting ones 8+8, budgets ${BUDGETS.minBudget}…${BUDGETS.maxBudget}, η = ${BUDGETS.eta}, ${nIterations} iterations ` +
      `(${planned} evaluations, ${work.toFixed(2)} s of sleep at ${MS_PER_BUDGET} ms per budget unit), ThreadPoolExecutor, ${availableParallelism()} cores\n`,
  );
  write(
    '   workers   evals   wall s   speedup   efficiency   utilisation   | asynchronous SH: evals   wall s   speedup   efficiency   utilisation\n',
  );
  let base: Row | undefined;
  let asyncBase: Row | undefined;
  for (const workers of workerCounts) {
    const row = await searchRow(workers, false);
    const asyncRow = await searchRow(workers, true);
    base ??= row;
    asyncBase ??= asyncRow;
    const speedup = base.wallSeconds / row.wallSeconds;
    const asyncSpeedup = asyncRow.busySeconds / asyncRow.wallSeconds / (asyncBase.busySeconds / asyncBase.wallSeconds);
    write(
      `   ${String(workers).padStart(7)}   ${String(row.evaluations).padStart(5)}   ${row.wallSeconds.toFixed(2).padStart(6)}   ${speedup.toFixed(2).padStart(6)}×   ${(speedup / workers).toFixed(2).padStart(10)}   ` +
        `${(row.busySeconds / (workers * row.wallSeconds)).toFixed(2).padStart(11)}   | ${String(asyncRow.evaluations).padStart(22)}   ${asyncRow.wallSeconds.toFixed(2).padStart(6)}   ` +
        `${asyncSpeedup.toFixed(2).padStart(6)}×   ${(asyncSpeedup / workers).toFixed(2).padStart(10)}   ${(asyncRow.busySeconds / (workers * asyncRow.wallSeconds)).toFixed(2).padStart(11)}\n`,
    );
  }
  write('   speedup = wall(1 worker) / wall; efficiency = speedup / workers; utilisation = Σ run time / (workers × wall)\n');
  write(
    '   asynchronous SH promotes by arrival order, so the amount of work differs between rows: its speedup compares work done per second,\n',
  );
  write('   (Σ run time / wall) against the 1-worker row\n');

  const threads = availableParallelism();
  const jobs = quick ? 5_000 : 20_000;
  write(`\n2. dispatch overhead: ${jobs} jobs, objective returns at once, capacity jobs kept in flight (as the scheduler does)\n`);
  write('   executor                         evals/s   µs per job   vs inline   target\n');
  const inlineExecutor = new InlineExecutor(compute);
  const inline = await dispatchRate(inlineExecutor, jobs).finally(() => inlineExecutor.close());
  write(
    `   ${'InlineExecutor (baseline)'.padEnd(30)} ${inline.toFixed(0).padStart(9)}   ${(1e6 / inline).toFixed(1).padStart(10)}   ${'1'.padStart(8)}×        -\n`,
  );
  for (const count of [...new Set([1, threads])]) {
    const executor = new ThreadPoolExecutor({ objective, threads: count });
    try {
      await executor.start();
      const rate = await dispatchRate(executor, jobs);
      const verdict = rate >= DISPATCH_TARGET ? 'met' : 'MISSED';
      write(
        `   ${`ThreadPoolExecutor, ${count} thread${count === 1 ? '' : 's'}`.padEnd(30)} ${rate.toFixed(0).padStart(9)}   ${(1e6 / rate).toFixed(1).padStart(10)}   ${(rate / inline).toFixed(3).padStart(8)}×   ≥ ${DISPATCH_TARGET} ${verdict}\n`,
      );
    } finally {
      await executor.close();
    }
  }
}

/** Jobs per second through `executor`, keeping `capacity` in flight; one warm-up pass of 5 %. */
async function dispatchRate(executor: Executor, jobs: number): Promise<number> {
  const signal = new AbortController().signal;
  const pass = async (count: number): Promise<number> => {
    let next = 0;
    const started = performance.now();
    const lane = async (): Promise<void> => {
      while (next < count) {
        const index = next++;
        const job: Job = { configId: [0, 0, index], config: { x: index % 2 }, budget: 1 };
        const outcome = await executor.submit(job, signal);
        if (outcome.status !== 'ok') throw new Error(`job ${index} failed: ${JSON.stringify(outcome)}`);
      }
    };
    await Promise.all(Array.from({ length: executor.capacity }, lane));
    return count / ((performance.now() - started) / 1000);
  };
  await pass(Math.ceil(jobs / 20));
  return pass(jobs);
}

/** Seconds of sleep one worker does over the planned evaluations (the 1-worker lower bound). */
function sequentialSleepSeconds(
  plan: { bracket(iteration: number): { budgets: readonly number[]; nConfigs: readonly number[] } },
  nIterations: number,
): number {
  let units = 0;
  for (let i = 0; i < nIterations; i++) {
    const { budgets, nConfigs } = plan.bracket(i);
    nConfigs.forEach((n, stage) => (units += n * budgets[stage]));
  }
  return (units * MS_PER_BUDGET) / 1000;
}

if (isMainThread && process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run({ quick: process.argv.includes('--quick') });
}
