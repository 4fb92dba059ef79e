// Scheduler benchmark (issue 12, item 6): what handing out and recording one job costs as rungs
// grow, for hpbandster's synchronous brackets and for ASHA — the heap-based ASHA against the
// sort-based one it replaced, run in the same process — and a whole search's throughput, decile by
// decile, with an objective that returns at once (a per-job cost that grows shows as a falling rate).
//
// Run: `npm run bench scheduler [--quick]`, or `node --import tsx bench/scheduler.ts [--quick]`.
import { AsynchronousSuccessiveHalving } from '../src/core/asynchronous-successive-halving.js';
import { Rng } from '../src/core/rng.js';
import type { Scheduler, SchedulerContext } from '../src/core/scheduler.js';
import { SynchronousBracketsScheduler } from '../src/core/synchronous-brackets-scheduler.js';
import { hyperbandPlan } from '../src/optimizers/bracket-plan.js';
import { ReferenceAsha } from '../test/core/fixtures/reference-asha.js';

type Make = (context: SchedulerContext) => Scheduler;

/** Microseconds per job to drive `make`'s scheduler through a whole search of 1 … maxBudget, η = 3. */
function perJobMicros(make: Make, maxBudget: number, nIterations: number, capacity: number): { jobs: number; micros: number } {
  const plan = hyperbandPlan({ minBudget: 1, maxBudget, eta: 3 });
  let sampled = 0;
  const scheduler = make({
    plan,
    nIterations,
    iterationOffset: 0,
    source: () => ({ config: { x: sampled++ }, info: { model_based_pick: false } }),
  });
  const rng = new Rng(1);
  const running: { configId: readonly [number, number, number]; budget: number }[] = [];
  let jobs = 0;
  const started = performance.now();
  for (;;) {
    while (running.length < capacity) {
      const job = scheduler.nextJob();
      if (!job) break;
      running.push(job);
      jobs++;
    }
    const job = running.shift();
    if (!job) break;
    scheduler.registerResult(job.configId as [number, number, number], job.budget, rng.random());
  }
  return { jobs, micros: ((performance.now() - started) * 1000) / jobs };
}

export async function run(options: { quick?: boolean; write?: (text: string) => void } = {}): Promise<void> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const quick = options.quick ?? false;
  const sizes = quick ? [81, 729, 6561] : [81, 729, 6561, 59049];
  const repeats = quick ? 3 : 5;
  const schedulers: [string, Make][] = [
    ['synchronous brackets', (context) => new SynchronousBracketsScheduler(context)],
    ['ASHA (heaps)', (context) => new AsynchronousSuccessiveHalving(context)],
    ['ASHA (sort per call, before)', (context) => new ReferenceAsha(context)],
  ];
  write('µs per job (median of repeats; min … max), 8 jobs in flight, whole search of 1 … max budget, eta 3, 1 iteration\n');
  write(`${'scheduler'.padEnd(30)}${sizes.map((size) => `max ${size}`.padStart(34)).join('')}   largest / smallest\n`);
  for (const [name, make] of schedulers) {
    const cells: string[] = [];
    const medians: number[] = [];
    for (const size of sizes) {
      // The sort-based ASHA is quadratic: its largest size would take minutes.
      if (name.includes('before') && size > 6561) {
        cells.push('(skipped)'.padStart(34));
        continue;
      }
      const samples: number[] = [];
      let jobs = 0;
      for (let r = 0; r < repeats; r++) {
        const measured = perJobMicros(make, size, 1, 8);
        samples.push(measured.micros);
        jobs = measured.jobs;
      }
      samples.sort((a, b) => a - b);
      const median = samples[Math.floor(samples.length / 2)];
      medians.push(median);
      cells.push(`${median.toFixed(2)} (${samples[0].toFixed(2)}…${samples.at(-1)!.toFixed(2)}) n=${jobs}`.padStart(34));
    }
    write(`${name.padEnd(30)}${cells.join('')}   ${(medians.at(-1)! / medians[0]).toFixed(1)}×\n`);
  }

  // A whole search, inline, objective returning at once: evaluations per second in each tenth.
  const { Search } = await import('../src/core/search.js');
  const { ConfigurationSpace } = await import('../src/space/configuration-space.js');
  const { UniformFloatHyperparameter } = await import('../src/space/numeric-hyperparameters.js');
  const space = new ConfigurationSpace().add(new UniformFloatHyperparameter('x', 0, 1));
  const maxBudget = quick ? 6561 : 59049;
  for (const optimizer of ['hyperband', 'bohb'] as const) {
    const search = new Search({
      space,
      objective: (config, budget) => config.x + 1 / budget,
      optimizer,
      minBudget: 1,
      maxBudget,
      eta: 3,
      nIterations: 1,
      seed: 1,
    });
    const planned = search.plannedEvaluations();
    const marks: number[] = [];
    let done = 0;
    search.on('job:finished', () => {
      done++;
      if (done % Math.ceil(planned / 10) === 0) marks.push(performance.now());
    });
    const started = performance.now();
    await search.run();
    const rates = marks.map((mark, i) => Math.ceil(planned / 10) / ((mark - (i === 0 ? started : marks[i - 1])) / 1000));
    write(
      `\n${optimizer}, 1 … ${maxBudget} (${planned} evaluations, instant objective, inline): evaluations/s per tenth of the run\n  ${rates.map((rate) => rate.toFixed(0)).join('  ')}\n  last tenth / first tenth: ${(rates.at(-1)! / rates[0]).toFixed(2)}\n`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run({ quick: process.argv.includes('--quick') });
