import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countingOnes } from '../../src/benchmarks/counting-ones.js';
import { AsynchronousSuccessiveHalving } from '../../src/core/asynchronous-successive-halving.js';
import { Search } from '../../src/core/search.js';
import { configIdKey, type Objective } from '../../src/core/types.js';
import { InlineExecutor } from '../../src/executors/inline-executor.js';
import type { BracketPlan } from '../../src/optimizers/bracket-plan.js';
import { budgetLadder } from '../../src/optimizers/budgets.js';
import { tempDir } from '../helpers/temp-dir.js';

/** ASHA on budgets 1, 3, 9 that samples `maxNewConfigs` new configurations (ids in batches of at most 9). */
function asha(maxNewConfigs: number) {
  let sampled = 0;
  const ladder = budgetLadder(1, 9, 3);
  // A plan whose first rungs add up to maxNewConfigs: ASHA samples as many as the plan's iterations would.
  const firstRungs = [Math.min(9, maxNewConfigs), Math.max(0, maxNewConfigs - 9)];
  const plan: BracketPlan = { name: 'test', ladder, bracket: (i) => ({ nConfigs: [firstRungs[i], 1, 1], budgets: ladder.budgets }) };
  return new AsynchronousSuccessiveHalving({
    plan,
    nIterations: firstRungs[1] > 0 ? 2 : 1,
    iterationOffset: 0,
    source: () => ({ config: { x: sampled++ }, info: { model_based_pick: false } }),
  });
}

test('ASHA promotes as soon as a configuration is in the top 1/η of its rung, without a barrier', () => {
  const scheduler = asha(20);
  const first = [scheduler.nextJob()!, scheduler.nextJob()!, scheduler.nextJob()!];
  assert.deepEqual(
    first.map((job) => job.budget),
    [1, 1, 1],
  );
  // Two results are not enough for a promotion (⌊2/3⌋ = 0): a new configuration starts.
  scheduler.registerResult(first[0].configId, 1, 5);
  scheduler.registerResult(first[1].configId, 1, 2);
  assert.equal(scheduler.nextJob()!.budget, 1);
  // The third result makes ⌊3/3⌋ = 1 slot: the best so far (loss 2) moves up while others still run.
  scheduler.registerResult(first[2].configId, 1, 9);
  const promoted = scheduler.nextJob()!;
  assert.deepEqual({ id: configIdKey(promoted.configId), budget: promoted.budget }, { id: configIdKey(first[1].configId), budget: 3 });
  assert.equal(scheduler.nextJob()!.budget, 1, 'nobody else qualifies yet');
});

test('ASHA never promotes a failure and stops after its quota of new configurations', () => {
  const scheduler = asha(3);
  const jobs = [scheduler.nextJob()!, scheduler.nextJob()!, scheduler.nextJob()!];
  assert.equal(scheduler.nextJob(), null, 'quota reached, nothing to promote yet');
  jobs.forEach((job) => scheduler.registerResult(job.configId, 1, null));
  assert.equal(scheduler.nextJob(), null);
  assert.equal(scheduler.isFinished, true);
});

test('an asynchronous search keeps every worker busy and logs hpbandster ids', async (t) => {
  const dir = tempDir(t, 'bandster-asha-');
  const benchmark = countingOnes({ categorical: 2, continuous: 2 });
  let running = 0;
  const concurrencySamples: number[] = [];
  const objective: Objective = async (config, budget, ctx) => {
    running++;
    concurrencySamples.push(running);
    await new Promise((resolve) => setTimeout(resolve, 1 + budget / 3));
    running--;
    return benchmark.objective(config, budget, ctx);
  };
  const search = new Search({
    space: benchmark.space,
    executor: new InlineExecutor(objective, { concurrency: 6 }),
    minBudget: 1,
    maxBudget: 9,
    eta: 3,
    nIterations: 6,
    seed: 2,
    asynchronous: true,
    logDir: dir,
  });
  const result = await search.run();
  const newConfigs = [...result.idToConfig().keys()];
  assert.equal(newConfigs.length, 9 + 3 + 3 + 9 + 3 + 3, 'as many new configurations as six synchronous iterations sample');
  assert.ok(newConfigs.every((key) => key.split('-')[1] === '0'));
  // Until the quota of new configurations runs out, every job starts with all six workers busy.
  const early = concurrencySamples.slice(6, 24);
  assert.ok(
    early.every((n) => n === 6),
    `concurrency while configurations remained: ${early.join(',')}`,
  );
  assert.ok(
    result.allRuns().some((run) => run.budget === 9),
    'some configurations reached the max budget',
  );
  assert.ok(result.incumbent());
  const again = await new Search({
    space: benchmark.space,
    objective: benchmark.objective,
    minBudget: 1,
    maxBudget: 9,
    eta: 3,
    nIterations: 6,
    seed: 2,
    asynchronous: true,
    logDir: dir,
    resume: true,
  }).run();
  assert.equal(again.nRuns, result.nRuns, 'resuming a finished asynchronous search runs nothing');
  await assert.rejects(
    new Search({
      space: benchmark.space,
      objective: benchmark.objective,
      minBudget: 1,
      maxBudget: 9,
      eta: 3,
      nIterations: 6,
      seed: 2,
      logDir: dir,
      resume: true,
    }).run(),
    /options\.asynchronous differs/,
  );
});

test('an interrupted asynchronous search resumes from its rungs without re-running finished jobs', async (t) => {
  const dir = tempDir(t, 'bandster-asha-');
  const benchmark = countingOnes({ categorical: 2, continuous: 2 });
  const calls: string[] = [];
  const objective: Objective = async (config, budget, ctx) => {
    await new Promise((resolve) => setTimeout(resolve, 2));
    calls.push(`${configIdKey(ctx.configId)}@${budget}`);
    return benchmark.objective(config, budget, ctx);
  };
  const options = {
    space: benchmark.space,
    minBudget: 1,
    maxBudget: 9,
    eta: 3,
    nIterations: 6,
    seed: 5,
    asynchronous: true,
    logDir: dir,
  } as const;
  const controller = new AbortController();
  const first = new Search({ ...options, executor: new InlineExecutor(objective, { concurrency: 3 }) });
  let finished = 0;
  first.on('job:finished', () => {
    if (++finished === 25) controller.abort();
  });
  const partial = await first.run({ signal: controller.signal });
  const callsBefore = calls.length;
  const logged = new Set(partial.allRuns().map((run) => `${configIdKey(run.configId)}@${run.budget}`));
  const resumed = await new Search({ ...options, resume: true, executor: new InlineExecutor(objective, { concurrency: 3 }) }).run();
  const rerun = calls.slice(callsBefore).filter((call) => logged.has(call));
  assert.deepEqual(rerun, [], 'nothing that was logged ran again');
  assert.equal(
    new Set(resumed.allRuns().map((run) => `${configIdKey(run.configId)}@${run.budget}`)).size,
    resumed.nRuns,
    'one result per job',
  );
  assert.equal(resumed.idToConfig().size, 30);
});
