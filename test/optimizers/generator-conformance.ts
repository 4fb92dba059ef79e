// The contract every ConfigGenerator meets (Optuna's sampler tests, tfjs's run-on-every-backend
// specs): random search, BOHB and a generator written outside the package all pass this suite.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Rng } from '../../src/core/rng.js';
import { Search } from '../../src/core/search.js';
import { InlineExecutor } from '../../src/executors/inline-executor.js';
import type { Configuration, Observation } from '../../src/core/types.js';
import { hyperbandPlan } from '../../src/optimizers/bracket-plan.js';
import type { ConfigGenerator } from '../../src/optimizers/config-generator.js';
import type { GeneratorFactory } from '../../src/optimizers/optimizer.js';
import { readConfigSpaceJson } from '../../src/space/configspace-json.js';
import type { ConfigurationSpace } from '../../src/space/configuration-space.js';
import { fixtureText } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Log floats and integers, categoricals, an ordinal, a constant, two conditions and a forbidden clause. */
function conditionalSpace(): ConfigurationSpace {
  return readConfigSpaceJson(fixtureText('configspace/v1.2/mixed_conditional.json'));
}

/** A deterministic loss with structure a model can pick up: distance of the vector from a corner. */
function lossOf(space: ConfigurationSpace, config: Configuration, budget: number): number {
  const vector = space.toVector(config);
  let sum = 0;
  for (const value of vector) sum += Number.isNaN(value) ? 0.5 : value;
  return sum / vector.length + 1 / budget;
}

const BUDGETS = [1, 3, 9];

/** Proposes and observes `rounds` × budgets times, with every `failEvery`-th run a failure; returns every proposal. */
function drive(
  generator: ConfigGenerator,
  space: ConfigurationSpace,
  rounds: number,
  failEvery = 0,
  picks: boolean[] = [],
): Configuration[] {
  const proposals: Configuration[] = [];
  let index = 0;
  for (let round = 0; round < rounds; round++) {
    for (const budget of BUDGETS) {
      const { config, info } = generator.propose(budget);
      assert.equal(typeof info.model_based_pick, 'boolean', 'info.model_based_pick is a boolean');
      assert.doesNotThrow(() => JSON.stringify(info), 'info can be logged');
      proposals.push(config);
      picks.push(info.model_based_pick);
      const failed = failEvery > 0 && index % failEvery === 0;
      const observation: Observation = {
        configId: [round, 0, index++],
        config,
        budget,
        loss: failed ? Infinity : lossOf(space, config, budget),
        status: failed ? 'failed' : 'ok',
        info: {},
      };
      generator.observe(observation);
    }
  }
  return proposals;
}

/**
 * Runs the generator conformance suite on `factory` (called with the search's space and a seeded
 * random generator, as a search calls it). `modelBased` generators must also have proposed from
 * their model by the end of the first test.
 */
export function generatorConformance(name: string, factory: GeneratorFactory, options: { readonly modelBased?: boolean } = {}): void {
  test(`${name}: every proposal belongs to the space (conditions, forbidden clauses), on every budget, before and after a model`, () => {
    const space = conditionalSpace();
    const picks: boolean[] = [];
    const proposals = drive(factory({ space, rng: new Rng(1) }), space, 70, 0, picks);
    if (options.modelBased) assert.ok(picks.some(Boolean), 'the model proposed some of them (the suite reached a model)');
    for (const config of proposals) {
      assert.doesNotThrow(() => space.validate(config), `${JSON.stringify(config)} belongs to the space`);
      assert.equal(space.isForbidden(config), false);
    }
    assert.ok(new Set(proposals.map((config) => JSON.stringify(config))).size > proposals.length / 4, 'proposals vary');
  });

  test(`${name}: the same seed and the same observations give the same proposals`, () => {
    const space = conditionalSpace();
    const first = drive(factory({ space, rng: new Rng(7) }), space, 40, 5);
    const second = drive(factory({ space, rng: new Rng(7) }), space, 40, 5);
    assert.deepEqual(second, first);
  });

  test(`${name}: failures (loss +∞) are observed like any result and never break a proposal`, () => {
    const space = conditionalSpace();
    const proposals = drive(factory({ space, rng: new Rng(3) }), space, 60, 2);
    for (const config of proposals) assert.doesNotThrow(() => space.validate(config));
  });

  test(`${name}: plugs into a Search as an Optimizer object: planned evaluations, hpbandster logs, its name in run.json`, async (t) => {
    const space = conditionalSpace();
    const logDir = tempDir(t, 'bandster-generator-');
    const plan = hyperbandPlan({ minBudget: 1, maxBudget: 9, eta: 3 });
    const seen: Configuration[] = [];
    const search = new Search({
      space,
      objective: (config, budget) => {
        seen.push(config);
        return lossOf(space, config, budget);
      },
      optimizer: { name: `custom-${name.replace(/[^A-Za-z0-9]+/g, '-')}`, generator: factory, plan },
      nIterations: 4,
      seed: 5,
      logDir,
    });
    const result = await search.run();
    assert.equal(result.nRuns, search.plannedEvaluations());
    for (const config of seen) assert.doesNotThrow(() => space.validate(config));
    assert.ok(result.incumbent(), 'an incumbent at the max budget');
    const settings = JSON.parse(fs.readFileSync(path.join(logDir, 'run.json'), 'utf8')) as { optimizer: string; maxBudget: number };
    assert.equal(settings.optimizer, search.optimizerName);
    assert.equal(settings.maxBudget, 9);
    assert.equal(fs.readFileSync(path.join(logDir, 'results.json'), 'utf8').trim().split('\n').length, result.nRuns);
  });

  test(`${name}: runs under ASHA with 4 jobs at once (running jobs announced, no placements)`, async () => {
    const space = conditionalSpace();
    const plan = hyperbandPlan({ minBudget: 1, maxBudget: 9, eta: 3 });
    const objective = async (config: Configuration, budget: number) => {
      // Later configurations finish first now and then, so results arrive out of order.
      await new Promise((resolve) => setImmediate(resolve));
      return lossOf(space, config, budget);
    };
    const result = await new Search({
      space,
      executor: new InlineExecutor(objective, { concurrency: 4 }),
      optimizer: { name: 'conformance-async', generator: factory, plan },
      nIterations: 4,
      asynchronous: true,
      seed: 2,
    }).run();
    let newConfigs = 0;
    for (let i = 0; i < 4; i++) newConfigs += plan.bracket(i).nConfigs[0];
    assert.equal(result.idToConfig().size, newConfigs, 'as many new configurations as four synchronous iterations');
    assert.ok(result.nRuns > newConfigs, `some were promoted (${result.nRuns} runs)`);
    for (const entry of result.idToConfig().values()) assert.doesNotThrow(() => space.validate(entry.config));
  });
}
