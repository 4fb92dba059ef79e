import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { countingOnes } from '../../src/benchmarks/counting-ones.js';
import type { InvalidOptionError } from '../../src/core/errors.js';
import { Search, type SearchOptions } from '../../src/core/search.js';
import { configIdKey, type Objective } from '../../src/core/types.js';
import { hyperbandPlan, plannedEvaluations } from '../../src/optimizers/bracket-plan.js';
import { InlineExecutor } from '../../src/executors/inline-executor.js';
import { tempDir } from '../helpers/temp-dir.js';

const small = { minBudget: 1, maxBudget: 9, eta: 3 } as const;

test('the same seed and space with a sequential executor give the same run', async (t) => {
  const logs = [] as string[][];
  for (const name of ['a', 'b']) {
    const dir = path.join(tempDir(t), name);
    const benchmark = countingOnes({ categorical: 3, continuous: 3 });
    await new Search({ space: benchmark.space, objective: benchmark.objective, ...small, nIterations: 6, seed: 42, logDir: dir }).run();
    const results = fs.readFileSync(path.join(dir, 'results.json'), 'utf8').split('\n').filter(Boolean);
    // Timestamps differ between runs; everything else must not.
    logs.push([
      fs.readFileSync(path.join(dir, 'configs.json'), 'utf8'),
      ...results.map((line) => line.replace(/\{"submitted"[^}]*\}/, 'T')),
    ]);
  }
  assert.deepEqual(logs[0], logs[1]);
  const otherDir = path.join(tempDir(t), 'c');
  const other = countingOnes({ categorical: 3, continuous: 3 });
  await new Search({ space: other.space, objective: other.objective, ...small, nIterations: 6, seed: 43, logDir: otherDir }).run();
  assert.notEqual(fs.readFileSync(path.join(otherDir, 'configs.json'), 'utf8'), logs[0][0], 'another seed gives other configurations');
});

test('every planned evaluation runs, with hpbandster’s ids and budgets', async () => {
  const benchmark = countingOnes({ categorical: 2, continuous: 2 });
  const result = await new Search({
    space: benchmark.space,
    objective: benchmark.objective,
    optimizer: 'hyperband',
    minBudget: 9,
    maxBudget: 729,
    eta: 3,
    nIterations: 5,
    seed: 1,
  }).run();
  assert.equal(result.nRuns, plannedEvaluations(hyperbandPlan({ minBudget: 9, maxBudget: 729, eta: 3 }), 5));
  assert.equal(result.nConfigs, 81 + 27 + 9 + 6 + 5);
  assert.deepEqual(result.budgets, [9, 27, 81, 243, 729]);
  const atMax = result.allRuns().filter((run) => run.budget === 729);
  assert.deepEqual(
    atMax.map((run) => configIdKey(run.configId)).sort(),
    [...new Set(atMax.map((run) => configIdKey(run.configId)))].sort(),
  );
  assert.equal(atMax.length, 1 + 1 + 1 + 2 + 5);
  // Iteration 4 is the s = 0 bracket: five configurations sampled directly at the max budget.
  assert.deepEqual(
    result
      .allRuns()
      .filter((run) => run.configId[0] === 4)
      .map((run) => run.budget),
    [729, 729, 729, 729, 729],
  );
});

test('several iterations run at once when the executor has spare capacity', async () => {
  const benchmark = countingOnes({ categorical: 2, continuous: 2 });
  let running = 0;
  let maxRunning = 0;
  const iterationsSeenRunning = new Set<string>();
  const objective: Objective = async (config, budget, ctx) => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    iterationsSeenRunning.add(`${ctx.configId[0]}@${running}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
    running--;
    return benchmark.objective(config, budget, ctx);
  };
  const executor = new InlineExecutor(objective, { concurrency: 12 });
  // Iteration 0 has 9 configurations at its first rung, then 3: a barrier the scheduler must not idle at.
  const search = new Search({ space: benchmark.space, executor, ...small, nIterations: 4, seed: 3 });
  const submittedWhileEarlierActive: number[] = [];
  search.on('job:submitted', ({ configId }) => {
    if (running > 0) submittedWhileEarlierActive.push(configId[0]);
  });
  const result = await search.run();
  assert.equal(maxRunning, 12);
  assert.ok(
    submittedWhileEarlierActive.some((iteration) => iteration >= 1),
    'iteration 1 started while iteration 0 was running',
  );
  assert.equal(result.nRuns, plannedEvaluations(hyperbandPlan(small), 4));
});

test('an objective that throws, returns NaN or returns garbage is a recorded failure; the search goes on', async (t) => {
  const dir = tempDir(t);
  const benchmark = countingOnes({ categorical: 2, continuous: 2 });
  let calls = 0;
  const objective: Objective = (config, budget, ctx) => {
    calls++;
    if (calls % 7 === 1) throw new Error('diverged at epoch 3');
    if (calls % 7 === 2) return Number.NaN;
    if (calls % 7 === 3) return { loss: 'low' } as unknown as number;
    return benchmark.objective(config, budget, ctx);
  };
  const result = await new Search({ space: benchmark.space, objective, ...small, nIterations: 3, seed: 5, logDir: dir }).run();
  const failed = result.allRuns().filter((run) => run.loss === null);
  assert.ok(failed.length >= 3);
  const errors = failed.map((run) => run.error ?? '');
  assert.ok(
    errors.some((error) => error.startsWith('threw: diverged at epoch 3') && error.includes('search.test.ts')),
    'message and stack',
  );
  assert.ok(errors.some((error) => /non-finite-loss: .*NaN/.test(error)));
  assert.ok(errors.some((error) => /invalid-result: .*loss must be a number \(got "low"\)/.test(error)));
  const logged = fs
    .readFileSync(path.join(dir, 'results.json'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  assert.equal(logged.length, result.nRuns);
  assert.ok(logged.some((line) => line[3] === null && String(line[4]).includes('diverged')));
  assert.ok(result.incumbent(), 'the search still found an incumbent');
  // Failures are never promoted: every run above the first rung of an iteration belongs to a configuration that succeeded below.
  for (const run of result.allRuns()) {
    if (run.budget === 1 || run.configId[1] !== 0) continue;
    const below = result.runsOf(run.configId).filter((other) => other.budget < run.budget);
    assert.ok(
      below.every((other) => other.loss !== null),
      `${configIdKey(run.configId)} was promoted after failing`,
    );
  }
});

test('aborting stops the search cleanly: running jobs are told, finished ones are kept', async (t) => {
  const dir = tempDir(t);
  const benchmark = countingOnes({ categorical: 2, continuous: 2 });
  const controller = new AbortController();
  let finished = 0;
  let sawAbort = 0;
  const objective: Objective = async (config, budget, ctx) => {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5);
      ctx.signal.addEventListener('abort', () => {
        sawAbort++;
        clearTimeout(timer);
        resolve();
      });
    });
    return benchmark.objective(config, budget, ctx);
  };
  const search = new Search({
    space: benchmark.space,
    executor: new InlineExecutor(objective, { concurrency: 3 }),
    ...small,
    nIterations: 10,
    seed: 8,
    logDir: dir,
  });
  search.on('job:finished', () => {
    if (++finished === 10) controller.abort();
  });
  const result = await search.run({ signal: controller.signal });
  assert.ok(sawAbort >= 1, 'a running job saw the abort');
  assert.equal(result.nRuns, 10, 'only finished jobs are in the result');
  const logged = fs.readFileSync(path.join(dir, 'results.json'), 'utf8').split('\n').filter(Boolean);
  assert.equal(logged.length, 10, 'aborted jobs are not logged as finished');
});

test('events: each job is submitted, started and finished once; incumbents improve', async () => {
  const benchmark = countingOnes({ categorical: 2, continuous: 2 });
  const search = new Search({ space: benchmark.space, objective: benchmark.objective, ...small, nIterations: 3, seed: 9 });
  const seen = { submitted: 0, started: 0, finished: 0, iterations: [] as number[], incumbents: [] as { loss: number; budget: number }[] };
  search.on('job:submitted', () => seen.submitted++);
  search.on('job:started', () => seen.started++);
  search.on('job:finished', () => seen.finished++);
  search.on('iteration:finished', ({ iteration }) => seen.iterations.push(iteration));
  search.on('incumbent', ({ loss, budget }) => seen.incumbents.push({ loss, budget }));
  const result = await search.run();
  assert.equal(seen.submitted, result.nRuns);
  assert.equal(seen.started, result.nRuns);
  assert.equal(seen.finished, result.nRuns);
  assert.deepEqual(seen.iterations.sort(), [0, 1, 2]);
  for (let i = 1; i < seen.incumbents.length; i++) {
    assert.ok(seen.incumbents[i].loss < seen.incumbents[i - 1].loss && seen.incumbents[i].budget >= seen.incumbents[i - 1].budget);
  }
});

test('bad options are rejected in the constructor, before anything is written, naming the option and value', (t) => {
  const dir = path.join(tempDir(t), 'never-created');
  const benchmark = countingOnes({ categorical: 1, continuous: 1 });
  const base = { space: benchmark.space, objective: benchmark.objective, ...small, nIterations: 1, logDir: dir };
  const rejects = (options: Partial<SearchOptions>, field: string, value: string): void => {
    assert.throws(
      () => new Search({ ...base, ...options } as SearchOptions),
      (error: InvalidOptionError) => error.code === 'ERR_INVALID_OPTION' && error.message.includes(field) && error.message.includes(value),
      `${field} = ${value}`,
    );
  };
  rejects({ eta: 0.5 }, 'options.eta', '0.5');
  rejects({ nIterations: -1 }, 'options.nIterations', '-1');
  rejects({ optimizer: 'tpe' as never }, 'options.optimizer', '"tpe"');
  rejects({ model: { topNPercent: 500 } }, 'options.model.topNPercent', '500');
  rejects({ executor: new InlineExecutor(benchmark.objective) }, 'options.executor', 'options.objective');
  rejects(
    { objective: undefined, executor: { kind: 'inline', objective: benchmark.objective, memoryMb: 64 } as never },
    'options.memoryMb',
    'inline',
  );
  assert.equal(fs.existsSync(dir), false, 'nothing was written');
});

test('an existing run is never overwritten unless asked', async (t) => {
  const dir = tempDir(t);
  const benchmark = countingOnes({ categorical: 1, continuous: 1 });
  const options = { space: benchmark.space, objective: benchmark.objective, ...small, nIterations: 1, seed: 1, logDir: dir };
  await new Search(options).run();
  const before = fs.readFileSync(path.join(dir, 'results.json'), 'utf8');
  await assert.rejects(new Search(options).run(), /results\.json|configs\.json/);
  assert.equal(fs.readFileSync(path.join(dir, 'results.json'), 'utf8'), before);
  await new Search({ ...options, overwrite: true, seed: 2 }).run();
  assert.notEqual(fs.readFileSync(path.join(dir, 'results.json'), 'utf8'), before);
});
