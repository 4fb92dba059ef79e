import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ScheduledJob } from '../../src/core/scheduler.js';
import { SuccessiveHalvingIteration } from '../../src/core/successive-halving-iteration.js';
import { configIdKey } from '../../src/core/types.js';

function iterationWithCounter(nConfigs: number[], budgets: number[]) {
  const sampled: { key: string; budget: number }[] = [];
  const iteration = new SuccessiveHalvingIteration(4, { nConfigs, budgets }, (configId, budget) => {
    sampled.push({ key: configIdKey(configId), budget });
    return { config: { x: sampled.length }, info: { model_based_pick: false } };
  });
  return { iteration, sampled };
}

function drain(iteration: SuccessiveHalvingIteration): ScheduledJob[] {
  const jobs: ScheduledJob[] = [];
  for (let job = iteration.nextJob(); job; job = iteration.nextJob()) jobs.push(job);
  return jobs;
}

test('a rung waits at its barrier, then promotes the best 1/η', () => {
  const { iteration, sampled } = iterationWithCounter([9, 3, 1], [1, 3, 9]);
  const rung0 = drain(iteration);
  assert.equal(rung0.length, 9);
  assert.deepEqual(
    rung0.map((job) => configIdKey(job.configId)),
    sampled.map((s) => s.key),
  );
  assert.ok(rung0.every((job) => job.budget === 1));
  // Losses 9, 8, …, 1: the last three configurations are the best.
  rung0.forEach((job, i) => iteration.registerResult(job.configId, 1, 9 - i));
  const rung1 = drain(iteration);
  assert.deepEqual(
    rung1.map((job) => configIdKey(job.configId)),
    ['4-0-6', '4-0-7', '4-0-8'],
  );
  assert.ok(rung1.every((job) => job.budget === 3));
  rung1.forEach((job, i) => iteration.registerResult(job.configId, 3, i));
  const rung2 = drain(iteration);
  assert.deepEqual(
    rung2.map((job) => configIdKey(job.configId)),
    ['4-0-6'],
  );
  iteration.registerResult(rung2[0].configId, 9, 0);
  assert.equal(iteration.nextJob(), null);
  assert.equal(iteration.isFinished, true);
  assert.equal(sampled.length, 9, 'no configuration is sampled beyond the first rung when nothing fails');
});

test('failed configurations are never promoted; their slots are refilled at the higher budget', () => {
  const { iteration, sampled } = iterationWithCounter([9, 3, 1], [1, 3, 9]);
  const rung0 = drain(iteration);
  // Only two of nine succeed.
  rung0.forEach((job, i) => iteration.registerResult(job.configId, 1, i < 7 ? null : i));
  const rung1 = drain(iteration);
  assert.deepEqual(
    rung1.map((job) => configIdKey(job.configId)),
    ['4-0-7', '4-0-8', '4-1-2'],
  );
  assert.deepEqual(sampled.at(-1), { key: '4-1-2', budget: 3 });
  assert.ok(rung1.every((job) => job.budget === 3));
});

test('a job handed back by requeue is handed out again', () => {
  const { iteration } = iterationWithCounter([2], [5]);
  const first = iteration.nextJob()!;
  iteration.requeue(first.configId);
  const again = drain(iteration);
  assert.deepEqual(
    again.map((job) => configIdKey(job.configId)),
    ['4-0-0', '4-0-1'],
  );
});

test('a result the iteration did not hand out is a programming error', () => {
  const { iteration } = iterationWithCounter([2], [5]);
  assert.throws(() => iteration.registerResult([4, 0, 0], 5, 1), /did not hand out/);
});

test("the plan's promotion rule decides who moves on; the slots it leaves empty get new configurations at the higher budget", () => {
  const seen: { stage: number; results: string[] }[] = [];
  const placements: string[] = [];
  const iteration = new SuccessiveHalvingIteration(
    4,
    { nConfigs: [3, 2, 1], budgets: [1, 3, 9] },
    (configId, budget, placement) => {
      placements.push(`${configIdKey(configId)}@${budget}:${placement?.iteration}/${placement?.stage}/${placement?.slot}`);
      return { config: { x: placements.length }, info: { model_based_pick: false } };
    },
    {
      planIteration: 1,
      // Rung 0 → 1: promote the worst one only; rung 1 → 2: nobody (DEHB's rule after its first round).
      promotions: (rung) => {
        seen.push({ stage: rung.stage, results: rung.results.map((r) => `${configIdKey(r.configId)}=${r.loss}`) });
        return rung.stage === 0 ? [rung.results[0].configId] : [];
      },
    },
  );
  const rung0 = drain(iteration);
  assert.deepEqual(
    rung0.map((job) => `${configIdKey(job.configId)}:${job.placement?.slot}`),
    ['4-0-0:0', '4-0-1:1', '4-0-2:2'],
  );
  rung0.forEach((job, i) => iteration.registerResult(job.configId, 1, 9 - i));
  const rung1 = drain(iteration);
  assert.deepEqual(seen[0], { stage: 0, results: ['4-0-0=9', '4-0-1=8', '4-0-2=7'] });
  assert.deepEqual(
    rung1.map(
      (job) => `${configIdKey(job.configId)}@${job.budget}:${job.placement?.iteration}/${job.placement?.stage}/${job.placement?.slot}`,
    ),
    ['4-0-0@3:1/1/0', '4-1-1@3:1/1/1'],
  );
  rung1.forEach((job) => iteration.registerResult(job.configId, 3, 1));
  const rung2 = drain(iteration);
  assert.deepEqual(
    rung2.map((job) => configIdKey(job.configId)),
    ['4-2-0'],
  );
  assert.deepEqual(placements.slice(3), ['4-1-1@3:1/1/1', '4-2-0@9:1/2/0'], 'new configurations are proposed with their placement');
  iteration.registerResult(rung2[0].configId, 9, 0);
  assert.equal(iteration.nextJob(), null);
  assert.equal(iteration.isFinished, true);
});

test('a promotion rule that picks a configuration outside the finished rung is a programming error', () => {
  const iteration = new SuccessiveHalvingIteration(
    0,
    { nConfigs: [2, 1], budgets: [1, 3] },
    () => ({ config: {}, info: { model_based_pick: false } }),
    {
      promotions: () => [[9, 9, 9]],
    },
  );
  const rung0 = drain(iteration);
  rung0.forEach((job) => iteration.registerResult(job.configId, 1, 1));
  assert.throws(() => iteration.nextJob(), /not a distinct configuration of the finished rung/);
});
