import assert from 'node:assert/strict';
import { test } from 'node:test';
import { budgetLadder, bracketWithS, hyperbandBracket, randomSearchBracket } from '../../src/optimizers/budgets.js';
import { hyperbandPlan, plannedEvaluations, randomSearchPlan, successiveHalvingPlan } from '../../src/optimizers/bracket-plan.js';

test('the budget ladder of 9…729 with η=3 has five rungs', () => {
  const ladder = budgetLadder(9, 729, 3);
  assert.equal(ladder.maxSHIter, 5);
  assert.deepEqual(ladder.budgets, [9, 27, 81, 243, 729]);
});

test('Hyperband brackets match a hand-computed table and cycle with period max_SH_iter', () => {
  const ladder = budgetLadder(9, 729, 3);
  const table = [
    { nConfigs: [81, 27, 9, 3, 1], budgets: [9, 27, 81, 243, 729] },
    { nConfigs: [27, 9, 3, 1], budgets: [27, 81, 243, 729] },
    { nConfigs: [9, 3, 1], budgets: [81, 243, 729] },
    { nConfigs: [6, 2], budgets: [243, 729] },
    { nConfigs: [5], budgets: [729] },
  ];
  for (let i = 0; i < 10; i++) assert.deepEqual(hyperbandBracket(ladder, i), table[i % 5], `iteration ${i}`);
});

test('the ladder reproduces hpbandster’s truncation of floating-point quotients', () => {
  // log(1/1000)/log(10) is -2.9999999999999996 in IEEE doubles: hpbandster gets 3 rungs, 10…1000.
  assert.deepEqual(budgetLadder(1, 1000, 10).budgets, [10, 100, 1000]);
  assert.deepEqual(budgetLadder(1, 27, 3).budgets, [1, 3, 9, 27]);
  const uneven = budgetLadder(20, 100, 3);
  assert.equal(uneven.maxSHIter, 2);
  // numpy computes max · η^-k, which differs from max / η in the last bit.
  assert.deepEqual(uneven.budgets, [100 * 3 ** -1, 100]);
});

test('random search spends one Hyperband iteration’s budget at the max budget', () => {
  assert.deepEqual(randomSearchBracket(budgetLadder(9, 729, 3)), { nConfigs: [5], budgets: [729] });
  assert.deepEqual(randomSearchBracket(budgetLadder(1, 27, 3)), { nConfigs: [4], budgets: [27] });
});

test('plans: successive halving repeats the most aggressive bracket; planned evaluations add up', () => {
  const options = { minBudget: 9, maxBudget: 729, eta: 3 };
  assert.deepEqual(successiveHalvingPlan(options).bracket(3), bracketWithS(budgetLadder(9, 729, 3), 4));
  assert.equal(plannedEvaluations(hyperbandPlan(options), 5), 121 + 40 + 13 + 8 + 5);
  assert.equal(plannedEvaluations(randomSearchPlan(options), 4), 20);
});

test('invalid budgets are rejected with the option name and value', () => {
  assert.throws(() => budgetLadder(9, 729, 1), /options\.eta must be a number > 1 \(got 1\)/);
  assert.throws(() => budgetLadder(0, 729, 3), /options\.minBudget must be a number > 0 \(got 0\)/);
  assert.throws(() => budgetLadder(10, 5, 3), /options\.maxBudget must be a number >= minBudget \(got maxBudget=5, minBudget=10\)/);
});
