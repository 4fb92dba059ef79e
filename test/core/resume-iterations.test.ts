// Issue 12, item 8: resuming with fewer iterations than the log already holds is refused (it
// reported a partial result — another incumbent — while `summary` read the whole log); the CLI
// resumes with the log's count when --iterations is not given.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { InvalidOptionError } from '../../src/core/errors.js';
import { Result } from '../../src/core/result.js';
import { Search } from '../../src/core/search.js';
import type { Objective } from '../../src/core/types.js';
import { ConfigurationSpace } from '../../src/space/configuration-space.js';
import { UniformFloatHyperparameter } from '../../src/space/numeric-hyperparameters.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runBandster, smallRunArgs } from '../helpers/cli.js';

const space = new ConfigurationSpace().add(new UniformFloatHyperparameter('x', 0, 1));
const objective: Objective = (config, budget) => (config as { x: number }).x + 1 / budget;
const options = { space, objective, minBudget: 1, maxBudget: 9, eta: 3, seed: 6 } as const;

function needsAtLeast(held: number, got: number): (error: unknown) => boolean {
  return (error) =>
    error instanceof InvalidOptionError &&
    new RegExp(`options\\.nIterations must be at least ${held} to resume .* which already holds ${held} iterations \\(got ${got}\\)`).test(
      error.message,
    );
}

for (const asynchronous of [false, true]) {
  test(`${asynchronous ? 'ASHA' : 'synchronous brackets'}: resuming with fewer iterations than the log holds is refused`, async (t) => {
    const logDir = tempDir(t);
    const first = await new Search({ ...options, asynchronous, nIterations: 4, logDir }).run();
    // ASHA numbers its 9 + 3 + 3 + 9 new configurations in batches of 9; it holds 4 iterations' worth too.
    const logged = Result.fromDirectory(logDir);
    assert.equal(first.nRuns, logged.nRuns);
    await assert.rejects(new Search({ ...options, asynchronous, nIterations: 2, logDir, resume: true }).run(), needsAtLeast(4, 2));
    await assert.rejects(new Search({ ...options, asynchronous, nIterations: 1, logDir, resume: true }).open(), needsAtLeast(4, 1));
    const same = await new Search({ ...options, asynchronous, nIterations: 4, logDir, resume: true }).run();
    assert.equal(same.nRuns, logged.nRuns, 'the whole log, as summary reads it');
    assert.deepEqual(same.incumbent()?.configId, logged.incumbent()?.configId);
  });
}

test('bandster run --resume without --iterations continues with the log’s count; fewer is refused naming the flag', (t) => {
  const dir = tempDir(t);
  const logDir = path.join(dir, 'run');
  const run = (...flags: string[]) => runBandster([...smallRunArgs(), '--log-dir', logDir, '--json', ...flags]);
  const first = run('--iterations', '3');
  assert.equal(first.status, 0, first.stderr);
  const firstRuns = JSON.parse(first.stdout).nRuns;
  const resumed = run('--resume');
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.equal(JSON.parse(resumed.stdout).nRuns, firstRuns, 'nothing more planned, nothing lost');
  const fewer = run('--resume', '--iterations', '1');
  assert.equal(fewer.status, 2);
  assert.match(fewer.stderr, /error: --iterations must be at least 3 to resume .* \(got 1\)/);
});
