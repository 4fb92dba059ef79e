// Issue 12, item 2: an objective's info that cannot be written as JSON (a cycle, a throwing toJSON)
// is a failed run with the reason — inline and in a thread pool — never the end of the search,
// and a resumed search does not meet it again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Result } from '../../src/core/result.js';
import { Search } from '../../src/core/search.js';
import { ConfigurationSpace } from '../../src/space/configuration-space.js';
import { UniformFloatHyperparameter } from '../../src/space/numeric-hyperparameters.js';
import { compute } from './fixtures/unserialisable-info-objective.js';
import { tempDir } from '../helpers/temp-dir.js';

const objectiveModule = fileURLToPath(new URL('./fixtures/unserialisable-info-objective.ts', import.meta.url));
const space = new ConfigurationSpace().add(new UniformFloatHyperparameter('x', 0, 1));
const options = { space, optimizer: 'hyperband', minBudget: 1, maxBudget: 9, eta: 3, nIterations: 2, seed: 11 } as const;

/** Checks that every run whose info could not be written failed with the reason, and every other one succeeded. */
function checkRuns(result: Result): void {
  let unserialisable = 0;
  for (const run of result.allRuns()) {
    const x = (result.configOf(run.configId) as { x: number }).x;
    if (x < 0.3 || x > 0.7) {
      unserialisable++;
      assert.equal(run.loss, null);
      // A thread cannot even send a function (toJSON) back: that is the reason then.
      assert.match(
        run.error ?? '',
        /^invalid-result: the objective's result(\.info cannot be written to the log|\b.* cannot be sent from its thread): .*(circular|refuses)/,
      );
    } else {
      assert.equal(typeof run.loss, 'number');
    }
  }
  assert.ok(unserialisable > 0 && unserialisable < result.nRuns, `some runs (${unserialisable} of ${result.nRuns}) had a bad info`);
}

test('an info with a cycle or a throwing toJSON fails its run inline; the search goes on and resumes', async (t) => {
  const logDir = tempDir(t);
  const result = await new Search({ ...options, objective: compute, logDir }).run();
  checkRuns(result);
  checkRuns(Result.fromDirectory(logDir));
  const resumed = await new Search({ ...options, nIterations: 3, objective: compute, logDir, resume: true }).run();
  assert.ok(resumed.nRuns > result.nRuns);
  checkRuns(resumed);
});

test('the same in a thread pool', async (t) => {
  const logDir = tempDir(t);
  const result = await new Search({
    ...options,
    executor: { kind: 'thread-pool', objective: objectiveModule, threads: 1 },
    logDir,
  }).run();
  checkRuns(result);
  checkRuns(Result.fromDirectory(logDir));
});
