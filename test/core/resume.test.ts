import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Result } from '../../src/core/result.js';
import { hyperbandPlan, plannedEvaluations } from '../../src/optimizers/bracket-plan.js';
import { loggedResults } from '../helpers/run-logs.js';
import { tempDir } from '../helpers/temp-dir.js';

const script = fileURLToPath(new URL('./fixtures/resumable-search.ts', import.meta.url));
const planned = plannedEvaluations(hyperbandPlan({ minBudget: 1, maxBudget: 27, eta: 3 }), 12);

function loggedPairs(dir: string): Set<string> {
  return new Set(loggedResults(dir));
}

for (const variant of ['', 'budget'] as const)
  test(`kill -9 at any moment, then resume: nothing finished is lost or re-run, and the search completes${variant ? ' (with a memory budget admitting one job at a time)' : ''}`, async (t) => {
    const dir = tempDir(t, 'bandster-resume-');
    const logDir = path.join(dir, 'run');
    const callsFile = path.join(dir, 'calls.log');
    const kills = [800, 1200, 1000];
    const reRunsOfLogged: string[] = [];
    for (const delay of kills) {
      const before = loggedPairs(logDir);
      fs.appendFileSync(callsFile, '--- start\n');
      const child = spawn(process.execPath, ['--import', 'tsx', script, logDir, callsFile, '11', variant], { stdio: 'ignore' });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, delay));
      child.kill('SIGKILL');
      await exited;
      const calls = fs.readFileSync(callsFile, 'utf8').split('--- start\n').at(-1)!.split('\n').filter(Boolean);
      reRunsOfLogged.push(...calls.filter((pair) => before.has(pair)));
    }
    const beforeFinal = loggedPairs(logDir);
    assert.ok(
      beforeFinal.size > 0 && beforeFinal.size < planned,
      `the kills interrupted the search (${beforeFinal.size} of ${planned} logged)`,
    );
    fs.appendFileSync(callsFile, '--- start\n');
    const final = spawnSync(process.execPath, ['--import', 'tsx', script, logDir, callsFile, '11', variant], { encoding: 'utf8' });
    assert.equal(final.status, 0, final.stderr);
    const finalCalls = fs.readFileSync(callsFile, 'utf8').split('--- start\n').at(-1)!.split('\n').filter(Boolean);
    reRunsOfLogged.push(...finalCalls.filter((pair) => beforeFinal.has(pair)));
    assert.deepEqual(reRunsOfLogged, [], 'no evaluation that was in the log was run again');

    const result = Result.fromDirectory(logDir);
    assert.equal(result.nRuns, planned, 'every planned evaluation is in the log exactly once');
    assert.equal(loggedPairs(logDir).size, planned);
    assert.deepEqual(result.budgets, [1, 3, 9, 27]);
    assert.ok(result.incumbent());
    assert.deepEqual(JSON.parse(final.stdout).nRuns, planned);
  });

test('resuming with a different space or budgets is refused with the differing option', async (t) => {
  const dir = tempDir(t, 'bandster-resume-');
  const { countingOnes } = await import('../../src/benchmarks/counting-ones.js');
  const { Search } = await import('../../src/core/search.js');
  const benchmark = countingOnes({ categorical: 2, continuous: 2 });
  const options = {
    space: benchmark.space,
    objective: benchmark.objective,
    minBudget: 1,
    maxBudget: 9,
    eta: 3,
    nIterations: 2,
    seed: 4,
    logDir: dir,
  };
  await new Search(options).run();
  await assert.rejects(
    new Search({ ...options, resume: true, maxBudget: 27 }).run(),
    /options\.maxBudget differs from the run being resumed .* \(got 27, the run has 9\)/,
  );
  const other = countingOnes({ categorical: 3, continuous: 2 });
  await assert.rejects(new Search({ ...options, space: other.space, resume: true }).run(), /options\.space differs/);
  // Resuming a finished search with more iterations extends it without re-running anything.
  const extended = await new Search({ ...options, resume: true, nIterations: 4 }).run();
  assert.equal(extended.nRuns, plannedEvaluations(hyperbandPlan({ minBudget: 1, maxBudget: 9, eta: 3 }), 4));
});
