import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { countingOnes } from '../../src/benchmarks/counting-ones.js';
import { Result } from '../../src/core/result.js';
import { Search } from '../../src/core/search.js';
import { parseConfigIdKey } from '../../src/core/types.js';
import { readConfigSpaceJson } from '../../src/space/configspace-json.js';
import { fixturePath } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

const hpbandsterRun = fixturePath('hpbandster/counting_ones_4_4');

test('warm start from a run written by hpbandster: its runs feed the model and stay in the new log', async (t) => {
  const logDir = path.join(tempDir(t), 'run');
  const space = readConfigSpaceJson(fs.readFileSync(path.join(hpbandsterRun, 'configspace.json'), 'utf8'));
  const benchmark = countingOnes({ categorical: 4, continuous: 4 });
  const search = new Search({
    space,
    objective: benchmark.objective,
    minBudget: 9,
    maxBudget: 243,
    eta: 3,
    nIterations: 2,
    seed: 3,
    model: { randomFraction: 0 },
    logDir,
    warmStartFrom: hpbandsterRun,
  });
  const result = await search.run();
  const earlier = Result.fromDirectory(hpbandsterRun);
  assert.equal(result.nRuns, earlier.nRuns + 40 + 13, 'earlier runs plus two new iterations');
  // The new log starts with hpbandster's lines, byte for byte, then the new iterations (numbered after its last one).
  for (const file of ['configs.json', 'results.json']) {
    const original = fs.readFileSync(path.join(hpbandsterRun, file), 'utf8');
    assert.ok(fs.readFileSync(path.join(logDir, file), 'utf8').startsWith(original), `${file} keeps the earlier lines`);
  }
  const newConfigs = [...result.idToConfig()]
    .map(([key, entry]) => ({ configId: parseConfigIdKey(key), ...entry }))
    .filter((entry) => entry.configId[0] >= 8);
  assert.equal(newConfigs.length, 27 + 9);
  assert.ok(newConfigs.every((entry) => entry.configId[0] <= 9));
  // With 130 earlier results the model exists from the first proposal on.
  assert.ok(newConfigs.filter((entry) => entry.configId[1] === 0).every((entry) => entry.info.model_based_pick === true));
  const reread = Result.fromDirectory(logDir);
  assert.equal(reread.nRuns, result.nRuns);
  assert.ok(reread.incumbent()!.loss <= earlier.incumbent()!.loss);
});

test('warm start from a space that does not fit is refused, naming the configuration', async (t) => {
  const benchmark = countingOnes({ categorical: 2, continuous: 2 });
  const search = new Search({
    space: benchmark.space,
    objective: benchmark.objective,
    minBudget: 9,
    maxBudget: 243,
    eta: 3,
    nIterations: 1,
    logDir: path.join(tempDir(t), 'x'),
    warmStartFrom: hpbandsterRun,
  });
  await assert.rejects(search.run(), {
    code: 'ERR_INVALID_OPTION',
    message: /warm-start run .*counting_ones_4_4: configuration 0-0-0 does not fit/,
  });
});

test('resuming a run hpbandster wrote is refused (it has no run.json): warm-start from it instead', async (t) => {
  const logDir = path.join(tempDir(t), 'copy');
  fs.cpSync(hpbandsterRun, logDir, { recursive: true });
  const before = fs.readFileSync(path.join(logDir, 'results.json'), 'utf8');
  const space = readConfigSpaceJson(fs.readFileSync(path.join(hpbandsterRun, 'configspace.json'), 'utf8'));
  const benchmark = countingOnes({ categorical: 4, continuous: 4 });
  const search = new Search({
    space,
    objective: benchmark.objective,
    minBudget: 9,
    maxBudget: 243,
    eta: 3,
    nIterations: 1,
    logDir,
    resume: true,
  });
  await assert.rejects(search.run(), { code: 'ERR_RUN_LOG_NOT_RESUMABLE', file: path.join(logDir, 'run.json') });
  assert.equal(fs.readFileSync(path.join(logDir, 'results.json'), 'utf8'), before, 'the run is left as it was');
});

test('warm start from two of our own runs keeps their ids apart', async (t) => {
  const dir = tempDir(t);
  const benchmark = countingOnes({ categorical: 2, continuous: 2 });
  const base = { space: benchmark.space, objective: benchmark.objective, minBudget: 1, maxBudget: 9, eta: 3 };
  await new Search({ ...base, nIterations: 2, seed: 1, logDir: path.join(dir, 'a') }).run();
  await new Search({ ...base, nIterations: 1, seed: 2, logDir: path.join(dir, 'b') }).run();
  const result = await new Search({
    ...base,
    nIterations: 1,
    seed: 3,
    logDir: path.join(dir, 'c'),
    warmStartFrom: [path.join(dir, 'a'), path.join(dir, 'b')],
  }).run();
  const iterations = [...new Set(result.allRuns().map((run) => run.configId[0]))].sort();
  assert.deepEqual(iterations, [0, 1, 2, 3], 'a: 0–1, b: renumbered to 2, new: 3');
  assert.equal(result.nRuns, 13 + 4 + 13 + 13);
});
