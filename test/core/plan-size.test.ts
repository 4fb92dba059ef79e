// Issue 12, item 10: a search refuses a plan beyond one documented size (PLAN_SIZE_LIMIT
// evaluations) unless told it is meant (allowLargePlan / --allow-large-plan), and refuses at once,
// override or not, a ladder it could not even hold (1e-300 … 1e300 crashed V8 with exit 133).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Search } from '../../src/core/search.js';
import type { Objective } from '../../src/core/types.js';
import { PLAN_SIZE_LIMIT } from '../../src/optimizers/budgets.js';
import { PlanTooLargeError } from '../../src/optimizers/plan-size.js';
import { ConfigurationSpace } from '../../src/space/configuration-space.js';
import { UniformFloatHyperparameter } from '../../src/space/numeric-hyperparameters.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runBandster } from '../helpers/cli.js';

const space = new ConfigurationSpace().add(new UniformFloatHyperparameter('x', 0, 1));
const objective: Objective = (config, budget) => (config as { x: number }).x + 1 / budget;

function tooLarge(scope: 'iteration' | 'search'): (error: unknown) => boolean {
  return (error) => error instanceof PlanTooLargeError && error.code === 'ERR_PLAN_TOO_LARGE' && error.scope === scope;
}

test('the bound is one documented number, and the plan is counted exactly up to it', () => {
  assert.equal(PLAN_SIZE_LIMIT, 1_000_000);
  // Random search with minBudget = maxBudget: one evaluation per iteration.
  const at = (nIterations: number) => ({ space, objective, optimizer: 'random-search', minBudget: 1, maxBudget: 1, nIterations }) as const;
  assert.equal(new Search(at(PLAN_SIZE_LIMIT)).plannedEvaluations(), PLAN_SIZE_LIMIT);
  assert.throws(() => new Search(at(PLAN_SIZE_LIMIT + 1)), tooLarge('search'));
  assert.equal(new Search({ ...at(PLAN_SIZE_LIMIT + 1), allowLargePlan: true }).plannedEvaluations(), PLAN_SIZE_LIMIT + 1);
});

test('a plan of millions of evaluations is refused with its size and the way out; allowLargePlan lets it run', () => {
  // 1 … 1e7 with η = 3: 15 budgets, 3^14 = 4.8 million configurations in the first rung alone.
  const options = { space, objective, minBudget: 1, maxBudget: 1e7, eta: 3, nIterations: 1 } as const;
  assert.throws(
    () => new Search(options),
    (error: unknown) =>
      tooLarge('iteration')(error) &&
      /options\.allowLargePlan/.test((error as Error).message) &&
      (error as PlanTooLargeError).evaluations > PLAN_SIZE_LIMIT,
  );
  assert.ok(new Search({ ...options, allowLargePlan: true }).plannedEvaluations() > PLAN_SIZE_LIMIT);
  // 1 … 1e6: 797,161 evaluations in one iteration fit; the CLI's default of ten iterations does not.
  assert.equal(new Search({ ...options, maxBudget: 1e6 }).plannedEvaluations(), 797_161);
  assert.throws(() => new Search({ ...options, maxBudget: 1e6, nIterations: 10 }), tooLarge('search'));
});

test('a ladder that cannot be held (1e-300 … 1e300) is refused at once, even with allowLargePlan', () => {
  const options = { space, objective, minBudget: 1e-300, maxBudget: 1e300, eta: 3, nIterations: 1 } as const;
  for (const allowLargePlan of [false, true]) {
    assert.throws(
      () => new Search({ ...options, allowLargePlan }),
      (error: unknown) => tooLarge('iteration')(error) && /budgets/.test((error as Error).message),
    );
  }
  assert.throws(() => new Search({ ...options, minBudget: 1, maxBudget: 1e12, eta: 1.0000001 }), tooLarge('iteration'));
});

test('bandster run refuses such plans with exit 2 and names the flags; it prints the plan before starting', (t) => {
  const dir = tempDir(t, 'bandster-plan-');
  const spaceFile = fileURLToPath(new URL('../cli/fixtures/x-space.json', import.meta.url));
  const objectiveFile = fileURLToPath(new URL('../cli/fixtures/gated-objective.mjs', import.meta.url));
  const run = (...flags: string[]) =>
    runBandster(['run', '--space', spaceFile, '--objective', objectiveFile, '--log-dir', path.join(dir, 'run'), ...flags], {
      timeout: 60_000,
      killSignal: 'SIGKILL',
    });
  const huge = run('--min-budget', '1e-300', '--max-budget', '1e300', '--iterations', '1');
  assert.equal(huge.status, 2, huge.stderr.slice(-500));
  assert.match(huge.stderr, /^error: .*--min-budget.*--max-budget.*--eta/);
  const large = run('--min-budget', '1', '--max-budget', '1e6');
  assert.equal(large.status, 2, large.stderr.slice(-500));
  assert.match(large.stderr, /error: .* \d+ evaluations\b.*--allow-large-plan/);
  assert.ok(!fs.existsSync(path.join(dir, 'run')), 'nothing written');
  const small = run('--min-budget', '1', '--max-budget', '9', '--iterations', '1', '--allow-large-plan', '--json');
  assert.equal(small.status, 0, small.stderr);
  assert.match(small.stderr, /^plan: 13 evaluations in 1 iteration, budgets 1, 3, 9 \(eta 3\)\n/m);
});
