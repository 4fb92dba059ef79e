import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InlineExecutor } from '../../src/executors/inline-executor.js';
import type { Objective } from '../../src/core/types.js';
import { compute } from './fixtures/behaviour-objective.js';
import { executorConformance } from './executor-conformance.js';

executorConformance(
  'InlineExecutor',
  ({ capacity, timeoutMs }) => new InlineExecutor(compute as unknown as Objective, { concurrency: capacity, timeoutMs }),
);

test('InlineExecutor validates its options', () => {
  assert.throws(() => new InlineExecutor(compute as unknown as Objective, { concurrency: 0 }), {
    code: 'ERR_INVALID_OPTION',
    message: /options\.concurrency must be an integer >= 1 \(got 0\)/,
  });
  assert.throws(() => new InlineExecutor(compute as unknown as Objective, { timeoutMs: -5 }), {
    code: 'ERR_INVALID_OPTION',
    message: /options\.timeoutMs must be a number in \[0, 2147483647\] \(0 = no timeout\) \(got -5\)/,
  });
  assert.throws(() => new InlineExecutor('compute' as unknown as Objective), {
    code: 'ERR_INVALID_OPTION',
    message: /objective must be a function \(got "compute"\)/,
  });
  assert.throws(() => new InlineExecutor(compute as unknown as Objective, { workdir: '' }), {
    code: 'ERR_INVALID_OPTION',
    message: /options\.workdir must be a non-empty string \(got ""\)/,
  });
});
