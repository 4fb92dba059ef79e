import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configIdKey, isConfigId, parseConfigIdKey } from '../../src/core/types.js';
import { parseEvaluationData } from '../../src/distributed/evaluation-wire.js';

test('a config id is three non-negative safe integers, whoever reads it', () => {
  for (const id of [
    [0, 0, 0],
    [3, 1, 12],
  ])
    assert.equal(isConfigId(id), true, JSON.stringify(id));
  for (const id of [[0, 0], [0, 0, 0, 0], [0, -1, 0], [0, 0.5, 0], [0, 2 ** 53, 0], ['0', 0, 0], [0, 0, Number.NaN], '0-0-0', null]) {
    assert.equal(isConfigId(id), false, JSON.stringify(id));
  }
  // The queue's reader uses the same check as the log's.
  const data = { v: 1, config: {}, budget: 1, timeoutMs: 0 };
  assert.equal(typeof parseEvaluationData({ ...data, configId: [1, 2, 3] }), 'object');
  assert.match(String(parseEvaluationData({ ...data, configId: [1, 2 ** 53, 3] })), /configId must be \[iteration, stage, index\]/);
});

test('parseConfigIdKey reads configIdKey back and refuses anything else with a coded error', () => {
  assert.deepEqual(parseConfigIdKey(configIdKey([7, 0, 3])), [7, 0, 3]);
  for (const key of ['1--2', '1-2-', '-1-0-0', '1-2-3-4', '1-2-x', '', '1.5-0-0']) {
    assert.throws(() => parseConfigIdKey(key), { code: 'ERR_INVALID_OPTION', message: new RegExp(`\\(got ${JSON.stringify(key)}\\)`) });
  }
});
