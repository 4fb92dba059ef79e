// DEHB inside a real search: hpbandster-format logs, resume (replay) and warm start.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { countingOnes } from '../../src/benchmarks/counting-ones.js';
import { Result } from '../../src/core/result.js';
import { Search, type SearchOptions } from '../../src/core/search.js';
import { configIdKey, type Objective } from '../../src/core/types.js';
import { InlineExecutor } from '../../src/executors/inline-executor.js';
import { fixturePath, HPBANDSTER_RUN } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runBandster, smallRunArgs } from '../helpers/cli.js';

const benchmark = countingOnes({ categorical: 3, continuous: 3, seed: 2 });
const base = {
  space: benchmark.space,
  optimizer: 'dehb' as const,
  minBudget: 1,
  maxBudget: 9,
  eta: 3,
  nIterations: 7,
  seed: 11,
} satisfies Partial<SearchOptions>;

/** Every logged configuration and result, without timestamps: what two equal runs share. */
function logContents(dir: string) {
  const result = Result.fromDirectory(dir);
  return {
    configs: [...result.idToConfig()].map(([key, entry]) => [key, entry.config, entry.info.model_based_pick]),
    runs: result
      .allRuns()
      .map((run) => `${configIdKey(run.configId)}@${run.budget}=${run.loss}`)
      .sort(),
  };
}

test("optimizer 'dehb': hpbandster logs; after the first Hyperband round, higher rungs run new configurations [iteration, stage, k]", async (t) => {
  const logDir = path.join(tempDir(t), 'run');
  const search = new Search({ ...base, objective: benchmark.objective, logDir });
  const result = await search.run();
  assert.equal(search.optimizerName, 'dehb');
  assert.equal(result.nRuns, search.plannedEvaluations());
  const settings = JSON.parse(fs.readFileSync(path.join(logDir, 'run.json'), 'utf8')) as { optimizer: string };
  assert.equal(settings.optimizer, 'dehb');
  // Budgets 1, 3, 9: iteration i's bracket starts at budgets[i mod 3]; stage k runs budgets[i mod 3 + k].
  const budgets = [1, 3, 9];
  const createdAt = (run: { configId: readonly number[] }) => budgets[(run.configId[0] % 3) + run.configId[1]];
  const secondRound = result.allRuns().filter((run) => run.configId[0] >= 3);
  assert.ok(
    secondRound.every((run) => run.budget === createdAt(run)),
    'second round: every configuration runs only at the rung that created it (no promotions)',
  );
  assert.ok(
    secondRound.some((run) => run.configId[1] > 0),
    'configurations created at higher rungs',
  );
  assert.ok(
    result.allRuns().some((run) => run.configId[0] < 3 && run.budget > createdAt(run)),
    'the first round promotes',
  );
  for (const entry of result.idToConfig().values()) assert.doesNotThrow(() => benchmark.space.validate(entry.config));
  const reread = Result.fromDirectory(logDir);
  assert.equal(reread.nRuns, result.nRuns);
  assert.deepEqual(reread.incumbent()?.configId, result.incumbent()?.configId);
});

test('stopped and resumed with one worker, DEHB logs exactly what the uninterrupted search logs', async (t) => {
  const dir = tempDir(t);
  await new Search({ ...base, objective: benchmark.objective, logDir: path.join(dir, 'whole') }).run();
  const stopped = new Search({ ...base, objective: benchmark.objective, logDir: path.join(dir, 'parts') });
  const controller = new AbortController();
  let finished = 0;
  stopped.on('job:finished', () => {
    if (++finished === 40) controller.abort();
  });
  const partial = await stopped.run({ signal: controller.signal });
  assert.ok(partial.nRuns >= 40 && partial.nRuns < stopped.plannedEvaluations(), `stopped after ${partial.nRuns} runs`);
  await new Search({ ...base, objective: benchmark.objective, logDir: path.join(dir, 'parts'), resume: true }).run();
  assert.deepEqual(logContents(path.join(dir, 'parts')), logContents(path.join(dir, 'whole')));
});

test('replaying a log written by parallel workers is deterministic and re-runs nothing', async (t) => {
  const dir = tempDir(t);
  const calls: string[] = [];
  // Jobs finish out of order: each waits a number of event-loop turns that depends on its configuration.
  const objective: Objective = async (config, budget, ctx) => {
    const turns = Math.floor(Number(config.float_0) * 5);
    for (let k = 0; k < turns; k++) await new Promise((resolve) => setImmediate(resolve));
    calls.push(`${configIdKey(ctx.configId)}@${budget}`);
    return benchmark.objective(config, budget, ctx);
  };
  const logDir = path.join(dir, 'parallel');
  const controller = new AbortController();
  const first = new Search({ ...base, executor: new InlineExecutor(objective, { concurrency: 3 }), logDir });
  let finished = 0;
  first.on('job:finished', () => {
    if (++finished === 45) controller.abort();
  });
  await first.run({ signal: controller.signal });
  const logged = new Set(calls);
  fs.cpSync(logDir, path.join(dir, 'copy'), { recursive: true });
  calls.length = 0;
  for (const copy of [logDir, path.join(dir, 'copy')]) {
    await new Search({ ...base, executor: new InlineExecutor(objective, { concurrency: 1 }), logDir: copy, resume: true }).run();
  }
  assert.deepEqual(
    calls.filter((call) => logged.has(call)),
    [],
    'no logged evaluation runs again',
  );
  assert.deepEqual(logContents(logDir), logContents(path.join(dir, 'copy')));
  assert.equal(Result.fromDirectory(logDir).nRuns, new Search({ ...base, objective }).plannedEvaluations());
});

test("warm start: an earlier run's results seed DEHB's subpopulations, so the first new configurations are already bred", async (t) => {
  const dir = tempDir(t);
  const fourFour = countingOnes({ categorical: 4, continuous: 4 });
  const options = {
    space: fourFour.space,
    objective: fourFour.objective,
    optimizer: 'dehb' as const,
    minBudget: 9,
    maxBudget: 243,
    eta: 3,
    nIterations: 1,
    seed: 5,
  };
  const cold = await new Search({ ...options, logDir: path.join(dir, 'cold') }).run();
  const warm = await new Search({ ...options, logDir: path.join(dir, 'warm'), warmStartFrom: HPBANDSTER_RUN }).run();
  const firstRung = (result: Result, iteration: number) =>
    [...result.idToConfig()].filter(([key]) => key.startsWith(`${iteration}-0-`)).map(([, entry]) => entry.info.model_based_pick);
  assert.ok(
    firstRung(cold, 0).every((pick) => pick === false),
    'cold: the first rung is the random initial population',
  );
  const earlier = Result.fromDirectory(HPBANDSTER_RUN);
  const warmIteration = Math.max(...earlier.allRuns().map((run) => run.configId[0])) + 1;
  const warmPicks = firstRung(warm, warmIteration);
  assert.equal(warmPicks.length, 27);
  assert.ok(
    warmPicks.every((pick) => pick === true),
    'warm: mutants of the earlier results',
  );
  assert.equal(warm.nRuns, earlier.nRuns + cold.nRuns, 'the earlier runs are in the new log too');
});

test('asynchronous DEHB (ASHA promotions, DE proposals at the lowest rung) completes with a valid log', async (t) => {
  const logDir = path.join(tempDir(t), 'async');
  const result = await new Search({
    ...base,
    executor: new InlineExecutor(benchmark.objective, { concurrency: 4 }),
    asynchronous: true,
    logDir,
  }).run();
  const settings = JSON.parse(fs.readFileSync(path.join(logDir, 'run.json'), 'utf8')) as { asynchronous: boolean; optimizer: string };
  assert.deepEqual([settings.optimizer, settings.asynchronous], ['dehb', true]);
  assert.ok(result.incumbent());
  assert.ok(
    [...result.idToConfig().values()].some((entry) => entry.info.model_based_pick),
    'DE proposals once the lowest rung has members',
  );
});

test('bandster run --optimizer dehb', (t) => {
  const logDir = path.join(tempDir(t), 'cli');
  const run = runBandster([
    ...smallRunArgs({
      space: fixturePath('configspace/v1.2/study.json'),
      objective: fileURLToPath(new URL('../cli/fixtures/objective.ts', import.meta.url)),
    }),
    '--optimizer',
    'dehb',
    '--iterations',
    '4',
    '--seed',
    '3',
    '--log-dir',
    logDir,
    '--json',
  ]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).runs.length, 13 + 4 + 3 + 13);
  assert.equal(JSON.parse(fs.readFileSync(path.join(logDir, 'run.json'), 'utf8')).optimizer, 'dehb');
});
