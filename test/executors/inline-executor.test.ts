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
  assert.throws(
    () => new InlineExecutor(compute as unknown as Objective, { concurrency: 0 }),
    /options\.concurrency must be an integer >= 1 \(got 0\)/,
  );
  assert.throws(
    () => new InlineExecutor(compute as unknown as Objective, { timeoutMs: -5 }),
    /options\.timeoutMs must be a number >= 0 \(got -5\)/,
  );
  assert.throws(() => new InlineExecutor('compute' as unknown as Objective), /objective must be a function \(got string\)/);
});
