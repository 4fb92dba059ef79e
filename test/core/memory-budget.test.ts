// The admission of jobs under a memory budget: the executor loop consults the rule for every job
// (src/core/admission.ts); MemoryBudget admits while predicted peaks fit, moves a configuration too
// big for the standard profile to the frugal one, refuses one too big for both, and retries an
// out-of-memory failure once in the next profile.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { OutOfMemoryError } from '../../src/core/errors.js';
import { MemoryBudget } from '../../src/core/memory-budget.js';
import { Search } from '../../src/core/search.js';
import { InlineExecutor } from '../../src/executors/inline-executor.js';
import { ConfigurationSpace } from '../../src/space/configuration-space.js';
import { UniformIntegerHyperparameter } from '../../src/space/hyperparameters.js';

const space = new ConfigurationSpace({ name: 'memory' }).add(new UniformIntegerHyperparameter('batchsize', 1, 30));

/** Predicted MB of a job: 10 per image in the standard profile, 2 per image (at least 4) in the frugal one. */
const demand = (config: Record<string, unknown>, _budget: number, profile: string): number =>
  profile === 'standard' ? 10 * (config.batchsize as number) : Math.max(4, 2 * (config.batchsize as number));

test('a memory budget: jobs start while their predicted peaks fit; too big for standard runs frugal, saying so; too big for both is refused', async () => {
  const budget = new MemoryBudget({ budgetMb: 300, baselineMb: 100, demand });
  let inFlight = 0;
  let peak = 0;
  const seen: { batchsize: number; profile: unknown; demand: number }[] = [];
  const objective = async (config: Record<string, unknown>, _budget: number, ctx: { hints?: Record<string, unknown> }) => {
    const profile = ctx.hints?.profile;
    const mb = demand(config, 0, String(profile));
    inFlight += mb;
    peak = Math.max(peak, inFlight);
    seen.push({ batchsize: config.batchsize as number, profile, demand: mb });
    await new Promise((resolve) => setTimeout(resolve, 2));
    inFlight -= mb;
    return { loss: config.batchsize as number, info: { profile: profile ?? null } };
  };
  // 200 MB of room: batch ≤ 20 runs standard, 21–100 frugal (4–60 MB), nothing is refused here…
  const warnings: string[] = [];
  const search = new Search({
    space,
    executor: new InlineExecutor(objective as never, { concurrency: 8 }),
    admission: budget,
    optimizer: 'hyperband',
    minBudget: 1,
    maxBudget: 9,
    nIterations: 3,
    seed: 4,
  });
  search.on('warning', ({ message }) => warnings.push(message));
  const result = await search.run();
  assert.equal(result.nRuns, search.plannedEvaluations(), 'every job ran');
  assert.ok(peak <= 200, `the predicted peaks of the jobs running at once stayed within the room (${peak} MB)`);
  assert.ok(
    seen.some((job) => job.batchsize > 20 && job.profile === 'frugal'),
    'large batches ran frugal',
  );
  assert.ok(seen.every((job) => job.batchsize > 20 === (job.profile === 'frugal')));
  assert.ok(
    warnings.some((message) =>
      /runs in the frugal profile \(predicted peak \d+ MB\): its predicted peak of \d+ MB in the standard profile would not fit the memory budget of 300 MB/.test(
        message,
      ),
    ),
  );
  // …while a budget with 40 MB of room refuses batch > 20 even frugally, as a recorded failure with the reason.
  const small = new MemoryBudget({ budgetMb: 140, baselineMb: 100, demand });
  const refused = await new Search({
    space,
    executor: new InlineExecutor(async (config) => config.batchsize as number, { concurrency: 4 }),
    admission: small,
    optimizer: 'hyperband',
    minBudget: 1,
    maxBudget: 9,
    nIterations: 2,
    seed: 5,
  }).run();
  const failures = refused.allRuns().filter((run) => run.loss === null);
  assert.ok(failures.length > 0, 'some configurations are too big even frugally');
  for (const run of failures) {
    assert.ok((refused.configOf(run.configId) as { batchsize: number }).batchsize > 20);
    assert.match(
      run.error ?? '',
      /^out-of-memory: its predicted peak of \d+ MB in the frugal profile does not fit the memory budget of 140 MB/,
    );
  }
});

test('a job that runs out of memory is retried once in the frugal profile, and the log says why', async () => {
  const budget = new MemoryBudget({ budgetMb: 1000, baselineMb: 0, demand });
  const attempts: unknown[] = [];
  const result = await new Search({
    space,
    executor: new InlineExecutor(async (config, _budget, ctx) => {
      attempts.push(ctx.hints?.profile);
      if (ctx.hints?.profile === 'standard') throw new OutOfMemoryError('failed to allocate');
      return config.batchsize as number;
    }),
    admission: budget,
    optimizer: 'hyperband',
    minBudget: 1,
    maxBudget: 1,
    nIterations: 1,
    seed: 6,
  }).run();
  const [run] = result.allRuns();
  assert.equal(result.nRuns, 1);
  assert.deepEqual(attempts, ['standard', 'frugal']);
  assert.equal(typeof run.loss, 'number');
  assert.equal(run.info.retried_after, 'out-of-memory: failed to allocate');
  // A second out-of-memory (already frugal) is final: recorded, not retried again.
  const again = await new Search({
    space,
    executor: new InlineExecutor(async () => {
      throw new OutOfMemoryError('still too big');
    }),
    admission: budget,
    optimizer: 'hyperband',
    minBudget: 1,
    maxBudget: 1,
    nIterations: 1,
    seed: 6,
  }).run();
  assert.match(again.allRuns()[0].error ?? '', /^out-of-memory: still too big/);
});

test('MemoryBudget checks its options, naming the field', () => {
  assert.throws(() => new MemoryBudget({ budgetMb: 0, demand }), { code: 'ERR_INVALID_OPTION', message: /options\.budgetMb/ });
  assert.throws(() => new MemoryBudget({ budgetMb: 100, baselineMb: 200, demand }), {
    code: 'ERR_INVALID_OPTION',
    message: /options\.budgetMb must be more than what the process holds before any job \(200 MB\)/,
  });
  assert.throws(() => new MemoryBudget({ budgetMb: 100, demand: 3 as never }), { code: 'ERR_INVALID_OPTION', message: /options\.demand/ });
  assert.throws(() => new Search({ space, objective: () => 1, admission: {} as never, minBudget: 1, maxBudget: 1, nIterations: 1 }), {
    code: 'ERR_INVALID_OPTION',
    message: /options\.admission/,
  });
});
