// Issue 12, item 3: a NaN or ±Infinity loss read from a log (Python's json writes NaN; hpbandster
// logs can hold it) is a failure everywhere — result, summary, promotion on resume, warm start,
// the model — exactly as when an objective returns one. And item 11: a duplicated results row
// counts once.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Result } from '../../src/core/result.js';
import { Search } from '../../src/core/search.js';
import { configIdKey, type Executor, type Objective } from '../../src/core/types.js';
import { ConfigurationSpace } from '../../src/space/configuration-space.js';
import { parsePythonJson } from '../../src/storage/python-json.js';
import { UniformFloatHyperparameter } from '../../src/space/numeric-hyperparameters.js';
import { tempDir } from '../helpers/temp-dir.js';

const space = new ConfigurationSpace().add(new UniformFloatHyperparameter('x', 0, 1));
const lossOf = (config: { x: number }, budget: number): number => config.x + 1 / budget;
const objective: Objective = (config, budget) => lossOf(config as { x: number }, budget);
const options = { space, optimizer: 'hyperband', minBudget: 1, maxBudget: 9, eta: 3, nIterations: 1, seed: 5 } as const;

/** A log of the first rung only (9 configurations on budget 1), with the losses of `nanIds` replaced by `token`. */
async function firstRungLog(dir: string, nanIds: readonly string[], token = 'NaN'): Promise<string> {
  const full = path.join(dir, 'full');
  await new Search({ ...options, objective, logDir: full }).run();
  const cut = path.join(dir, 'cut');
  fs.mkdirSync(cut);
  for (const file of ['configs.json', 'configspace.json', 'run.json']) fs.copyFileSync(path.join(full, file), path.join(cut, file));
  const lines = fs
    .readFileSync(path.join(full, 'results.json'), 'utf8')
    .split('\n')
    .filter((line) => line.includes(', 1.0, {'))
    .map((line) => {
      const id = (JSON.parse(line) as number[][])[0].join('-');
      return nanIds.includes(id) ? line.replace(/"loss": [^,]+,/, `"loss": ${token},`) : line;
    });
  assert.equal(lines.length, 9);
  fs.writeFileSync(path.join(cut, 'results.json'), `${lines.join('\n')}\n`);
  return cut;
}

test('non-finite losses in a log are failures in the Result, its summary and its CSV', async (t) => {
  const dir = await firstRungLog(tempDir(t), ['0-0-0', '0-0-1'], 'NaN');
  const lines = fs.readFileSync(path.join(dir, 'results.json'), 'utf8').split('\n');
  lines[5] = lines[5].replace(/"loss": [^,]+,/, '"loss": -Infinity,');
  fs.writeFileSync(path.join(dir, 'results.json'), lines.join('\n'));
  const result = Result.fromDirectory(dir);
  assert.equal(result.nRuns, 9);
  assert.equal(result.nFailed, 3, 'NaN, NaN and Infinity are failures');
  assert.equal(result.summary().n_crashed, 3);
  for (const run of result.allRuns()) if (run.loss === null) assert.match(run.error ?? '', /non-finite/);
  const failedRows = result
    .toCSV()
    .split('\n')
    .slice(1)
    .filter((row) => row.split(',')[5] === 'true');
  assert.equal(failedRows.length, 3);
  assert.ok(
    result.best(9).every((entry) => Number.isFinite(entry.loss)),
    'the ranking holds finite losses only',
  );
});

test('resuming a log with NaN losses never promotes them: the next rung gets the best finite ones', async (t) => {
  const nanIds = ['0-0-0', '0-0-1', '0-0-2'];
  const dir = await firstRungLog(tempDir(t), nanIds);
  const logged = Result.fromDirectory(dir);
  const finiteFirstRung = logged
    .allRuns()
    .filter((run) => !nanIds.includes(configIdKey(run.configId)))
    .map((run) => ({ id: configIdKey(run.configId), loss: lossOf(logged.configOf(run.configId) as { x: number }, 1) }))
    .sort((a, b) => a.loss - b.loss);
  const calls: string[] = [];
  const result = await new Search({
    ...options,
    objective: (config, budget, ctx) => {
      calls.push(`${configIdKey(ctx.configId)}@${budget}`);
      return objective(config, budget, ctx);
    },
    logDir: dir,
    resume: true,
  }).run();
  const promoted = calls.filter((call) => call.endsWith('@3')).map((call) => call.split('@')[0]);
  assert.deepEqual(
    promoted.sort(),
    finiteFirstRung
      .slice(0, 3)
      .map((entry) => entry.id)
      .sort(),
  );
  assert.equal(result.nFailed, 3);
});

test('warm start copies a NaN loss as a failure and the model never sees it as a success', async (t) => {
  const source = await firstRungLog(tempDir(t), ['0-0-4'], 'NaN');
  const target = path.join(tempDir(t), 'warm');
  const observed: number[] = [];
  const search = new Search({ ...options, objective, nIterations: 0, logDir: target, warmStartFrom: source });
  search.on('job:finished', ({ run }) => observed.push(run.loss ?? Number.POSITIVE_INFINITY));
  const result = await search.run();
  assert.equal(result.nFailed, 1);
  assert.ok(!observed.some(Number.isNaN), 'no NaN reaches the events or the model');
  const copied = fs
    .readFileSync(path.join(target, 'results.json'), 'utf8')
    .split('\n')
    .find((line) => line.startsWith('[[0, 0, 4]'));
  assert.ok(copied, 'the run is copied');
  const [, , , copiedResult, copiedError] = parsePythonJson(copied) as unknown[];
  assert.equal(copiedResult, null, `the copy is a failure, not a NaN loss: ${copied}`);
  assert.match(String(copiedError), /^non-finite-loss: .*NaN/);
});

test('an executor that reports a NaN loss as a success still records a failure', async (t) => {
  const logDir = tempDir(t);
  const executor: Executor = {
    capacity: 1,
    submit: async () => ({ status: 'ok', loss: Number.NaN, info: {} }),
    close: async () => {},
  };
  const result = await new Search({ ...options, executor, logDir }).run();
  assert.equal(result.nFailed, result.nRuns);
  assert.equal(Result.fromDirectory(logDir).nFailed, result.nRuns);
  for (const line of fs.readFileSync(path.join(logDir, 'results.json'), 'utf8').split('\n').filter(Boolean)) {
    const [, , , logged, error] = parsePythonJson(line) as unknown[];
    assert.equal(logged, null, line);
    assert.match(String(error), /^non-finite-loss: /);
  }
});

test('a results row logged twice counts once (the last of a job, as hpbandster reads it)', async (t) => {
  const dir = await firstRungLog(tempDir(t), []);
  const file = path.join(dir, 'results.json');
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  fs.appendFileSync(file, `${lines[3]}\n${lines[3]}\n`);
  const result = Result.fromDirectory(dir);
  assert.equal(result.nRuns, 9);
  assert.equal(result.summary().n_runs, 9);
  assert.equal(result.allRuns().length, 9);
  assert.ok(
    result.warnings.some((warning) => /logged 3 times/.test(warning)),
    result.warnings.join('\n'),
  );
});
