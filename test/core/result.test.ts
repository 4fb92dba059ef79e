import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';

import { InvalidOptionError } from '../../src/core/errors.js';
import { Result } from '../../src/core/result.js';
import { configIdKey } from '../../src/core/types.js';
import type { ConfigId, Configuration, Run } from '../../src/core/types.js';
import type { LoggedConfig } from '../../src/storage/run-reader.js';
import { HPBANDSTER_RUN } from '../helpers/fixtures.js';

const FIXTURE = HPBANDSTER_RUN;

function run(configId: ConfigId, budget: number, loss: number | null, finished: number): Run {
  return {
    configId,
    budget,
    loss,
    info: loss === null ? {} : { finished },
    error: loss === null ? 'boom' : null,
    timestamps: { submitted: finished - 1, started: finished - 0.5, finished },
  };
}

function configsFor(runs: readonly Run[], config: (id: ConfigId) => Configuration = (id) => ({ x: id[2] })): Map<string, LoggedConfig> {
  const configs = new Map<string, LoggedConfig>();
  for (const r of runs)
    configs.set(configIdKey(r.configId), {
      configId: r.configId,
      config: config(r.configId),
      info: { model_based_pick: r.configId[2] % 2 === 1 },
    });
  return configs;
}

test("the fixture's summary is what hpbandster's Result reports", () => {
  const result = Result.fromDirectory(FIXTURE);
  const expected = JSON.parse(fs.readFileSync(`${FIXTURE}/expected_summary.json`, 'utf8'));
  assert.deepEqual(result.summary(), expected);
  assert.deepEqual(result.warnings, []);
  assert.equal(result.nRuns, 130);
  assert.equal(result.nConfigs, 92);
  assert.equal(result.nFailed, 0);
  assert.equal(result.maxBudget, 243);
  assert.deepEqual(result.idToConfig().get('7-0-3'), { config: expected.incumbent_config, info: { model_based_pick: true } });
  assert.deepEqual(result.configOf([7, 0, 3]), expected.incumbent_config);
  // The incumbent's learning curve ends at its loss on the largest budget.
  const curve = result.learningCurves().get('7-0-3')!;
  assert.deepEqual(curve[curve.length - 1], { budget: 243, loss: expected.incumbent_loss_at_max_budget });
});

// Hand-built runs, logged out of finishing order. Budget / loss / finished:
//   A 0-0-0  1 / 5    / 1      paper: first → incumbent
//   B 0-0-1  1 / 3    / 2      paper: lower loss, same budget → incumbent
//   C 0-0-2  1 / fail / 3
//   D 0-0-1  3 / 4    / 4      paper: larger budget but higher loss → no (hpbandster would take it)
//   E 0-0-3  1 / 2    / 5      paper: → incumbent (budget 1 ≥ 1)
//   F 0-0-3  3 / 2.5  / 6      no
//   G 0-0-3  9 / 1    / 7      paper and max-budget: → incumbent
//   H 0-0-4  3 / 0    / 8      paper: lower loss but budget 3 < 9 → no
//   I 0-0-1  9 / 1.5  / 9      no
//   J 0-0-4  9 / 0.5  / 10     both: → incumbent
// Cumulative budgets in finishing order: 1 2 3 6 7 10 19 22 31 40.
const HAND_BUILT: Run[] = [
  run([0, 0, 4], 9, 0.5, 10),
  run([0, 0, 0], 1, 5, 1),
  run([0, 0, 3], 1, 2, 5),
  run([0, 0, 1], 1, 3, 2),
  run([0, 0, 2], 1, null, 3),
  run([0, 0, 3], 9, 1, 7),
  run([0, 0, 1], 3, 4, 4),
  run([0, 0, 4], 3, 0, 8),
  run([0, 0, 3], 3, 2.5, 6),
  run([0, 0, 1], 9, 1.5, 9),
];

test('trajectory follows the paper rule and the max-budget rule', () => {
  const result = new Result({ configs: configsFor(HAND_BUILT), runs: HAND_BUILT });
  const brief = (points: ReturnType<Result['trajectory']>) =>
    points.map((p) => [configIdKey(p.configId), p.budget, p.loss, p.finished, p.cumulativeBudget]);
  assert.deepEqual(brief(result.trajectory()), [
    ['0-0-0', 1, 5, 1, 1],
    ['0-0-1', 1, 3, 2, 2],
    ['0-0-3', 1, 2, 5, 7],
    ['0-0-3', 9, 1, 7, 19],
    ['0-0-4', 9, 0.5, 10, 40],
  ]);
  assert.deepEqual(brief(result.trajectory('paper')), brief(result.trajectory()));
  assert.deepEqual(brief(result.trajectory('max-budget')), [
    ['0-0-3', 9, 1, 7, 19],
    ['0-0-4', 9, 0.5, 10, 40],
  ]);
  assert.throws(() => result.trajectory('best' as 'paper'), InvalidOptionError);
});

test('counts, budgets, ordering, learning curves and runs of a config', () => {
  const result = new Result({ configs: configsFor(HAND_BUILT), runs: HAND_BUILT });
  assert.equal(result.nRuns, 10);
  assert.equal(result.nConfigs, 5);
  assert.equal(result.nFailed, 1);
  assert.deepEqual(result.budgets, [1, 3, 9]);
  assert.equal(result.maxBudget, 9);
  assert.deepEqual(
    result.allRuns().map((r) => r.timestamps.finished),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  );
  assert.deepEqual(
    result.runsOf([0, 0, 1]).map((r) => [r.budget, r.loss]),
    [
      [1, 3],
      [3, 4],
      [9, 1.5],
    ],
  );
  assert.deepEqual(result.runsOf([5, 5, 5]), []);
  const curves = result.learningCurves();
  assert.deepEqual([...curves.keys()].sort(), ['0-0-0', '0-0-1', '0-0-2', '0-0-3', '0-0-4']);
  assert.deepEqual(curves.get('0-0-3'), [
    { budget: 1, loss: 2 },
    { budget: 3, loss: 2.5 },
    { budget: 9, loss: 1 },
  ]);
  assert.deepEqual(curves.get('0-0-2'), [], 'failed runs are left out of learning curves');
  assert.deepEqual(result.incumbent(), { configId: [0, 0, 4], config: { x: 4 }, loss: 0.5, budget: 9, info: { finished: 10 } });
  assert.equal(result.configOf([9, 9, 9]), undefined);

  const json = JSON.parse(JSON.stringify(result));
  assert.equal(json.nRuns, 10);
  assert.equal(json.nFailed, 1);
  assert.deepEqual(json.budgets, [1, 3, 9]);
  assert.deepEqual(json.incumbent.configId, [0, 0, 4]);
  assert.equal(json.trajectory.length, 5);
  assert.equal(json.runs.length, 10);
  assert.equal(json.configs.length, 5);
});

test('incumbent: ties go to the lowest id, failures never win, the last run per config on the max budget counts', () => {
  const runs = [
    run([2, 0, 0], 9, -1, 1),
    run([1, 1, 5], 9, -1, 2),
    run([1, 2, 0], 9, -1, 3),
    run([0, 0, 0], 3, -9, 4),
    run([0, 0, 1], 9, null, 5),
  ];
  const result = new Result({ configs: configsFor(runs), runs });
  assert.deepEqual(result.incumbent()?.configId, [1, 1, 5]);
  assert.deepEqual(result.summary().incumbent_id, [1, 1, 5]);

  // hpbandster keeps one result per budget and config: a later failure replaces an earlier success.
  const repeated = [run([0, 0, 0], 9, -5, 1), run([0, 0, 1], 9, -2, 2), run([0, 0, 0], 9, null, 3)];
  assert.deepEqual(new Result({ configs: configsFor(repeated), runs: repeated }).incumbent()?.configId, [0, 0, 1]);

  const allFailed = [run([0, 0, 0], 9, null, 1), run([0, 0, 1], 3, 0.1, 2), run([0, 0, 2], 9, NaN, 3)];
  const none = new Result({ configs: configsFor(allFailed), runs: allFailed });
  assert.equal(none.incumbent(), undefined);
  assert.deepEqual(none.summary(), {
    incumbent_id: null,
    incumbent_config: null,
    n_runs: 3,
    n_configs: 3,
    // The failure and the NaN (a non-finite loss is a failure, issue 12).
    n_crashed: 2,
    budgets: [3, 9],
    incumbent_loss_at_max_budget: null,
  });
  const empty = new Result({ configs: new Map(), runs: [] });
  assert.equal(empty.maxBudget, undefined);
  assert.deepEqual(empty.trajectory(), []);
});

test('toCSV writes one row per run with hyperparameter columns and RFC 4180 quoting', () => {
  const runs = [run([0, 0, 1], 3, null, 2), run([0, 0, 0], 1, 0.25, 1)];
  const configs = new Map<string, LoggedConfig>([
    ['0-0-0', { configId: [0, 0, 0], config: { opt: 'adam, "fast"', lr: 0.1 }, info: { model_based_pick: false } }],
    ['0-0-1', { configId: [0, 0, 1], config: { lr: 0.01, 'odd,name': 'multi\nline' }, info: { model_based_pick: true } }],
  ]);
  const csv = new Result({ configs, runs }).toCSV();
  assert.equal(
    csv,
    [
      'iteration,stage,index,budget,loss,error,submitted,started,finished,model_based_pick,lr,"odd,name",opt',
      '0,0,0,1,0.25,false,0,0.5,1,false,0.1,,"adam, ""fast"""',
      '0,0,1,3,,true,1,1.5,2,true,0.01,"multi\nline",',
      '',
    ].join('\n'),
  );
});

test('the constructor rejects runs of unknown configurations and copies its input', () => {
  const runs = [run([0, 0, 0], 1, 1, 1)];
  assert.throws(
    () => new Result({ configs: new Map(), runs }),
    (error: unknown) => error instanceof InvalidOptionError && /0-0-0/.test(error.message),
  );
  const mutable = [...runs];
  const result = new Result({ configs: configsFor(runs), runs: mutable });
  mutable.push(run([0, 0, 0], 3, 0, 2));
  assert.equal(result.nRuns, 1);
});
