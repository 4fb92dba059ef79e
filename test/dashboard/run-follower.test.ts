import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Search } from '../../src/core/search.js';
import type { DashboardEvent } from '../../src/dashboard/dashboard-data.js';
import { RunFollower } from '../../src/dashboard/run-follower.js';
import { readConfigSpaceJson } from '../../src/space/configspace-json.js';
import { HPBANDSTER_RUN } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';
import { configIdKey } from '../../src/core/types.js';

/** Resolves with the next event of `type` from `follower`. */
function next<T extends DashboardEvent['type']>(follower: RunFollower, type: T): Promise<Extract<DashboardEvent, { type: T }>> {
  return new Promise((resolve) => {
    const stop = follower.subscribe((event) => {
      if (event.type !== type) return;
      stop();
      resolve(event as Extract<DashboardEvent, { type: T }>);
    });
  });
}

test('a run directory written by a search is followed: new configurations as jobs, new results with the ranking', async (t) => {
  const dir = path.join(tempDir(t), 'run');
  const space = readConfigSpaceJson(fs.readFileSync(path.join(HPBANDSTER_RUN, 'configspace.json'), 'utf8'));
  const search = new Search({ space, optimizer: 'hyperband', minBudget: 1, maxBudget: 9, nIterations: 1, seed: 1, logDir: dir });
  await search.open();
  const follower = RunFollower.open(dir, { pollMs: 100 });
  t.after(() => follower.close());
  assert.equal(follower.snapshot().runs.length, 0);
  const sampled = next(follower, 'job');
  const job = (await search.ask())!;
  assert.deepEqual((await sampled).data.configId, job.configId);
  const arrived = next(follower, 'result');
  search.tell(job, 0.5);
  const result = await arrived;
  assert.deepEqual(result.data.run.configId, job.configId);
  assert.equal(result.data.status.nRuns, 1);
  assert.equal(follower.snapshot().runs.length, 1);
  assert.equal(follower.snapshot().running.length, 0);
  search.close();
});

for (const optimizer of ['hyperband', 'dehb'] as const) {
  test(`a ${optimizer} run directory with run.json: pending jobs carry the budget the plan gives them, promotions included`, async (t) => {
    const dir = path.join(tempDir(t), 'run');
    const space = readConfigSpaceJson(fs.readFileSync(path.join(HPBANDSTER_RUN, 'configspace.json'), 'utf8'));
    const search = new Search({ space, optimizer, minBudget: 1, maxBudget: 9, nIterations: 3, seed: 4, logDir: dir });
    await search.open();
    const follower = RunFollower.open(dir, { pollMs: 60_000 });
    t.after(() => follower.close());
    assert.equal(follower.snapshot().status.planned, search.plannedEvaluations());
    const pendingKeys = (): Set<string> => {
      follower.refresh();
      const { running } = follower.snapshot();
      assert.ok(
        running.every((job) => job.budget !== null),
        'with a plan every pending job has a budget',
      );
      assert.equal(follower.snapshot().status.running, running.length);
      return new Set(running.map((job) => `${configIdKey(job.configId)}@${job.budget}`));
    };
    const told = new Set<string>();
    /** The follower's pending jobs after the last tell. */
    let lastPending = new Set<string>();
    let promotions = 0;
    let jobs = 0;
    for (let job = await search.ask(); job !== null; job = await search.ask()) {
      const key = `${configIdKey(job.configId)}@${job.budget}`;
      // A promotion is decided by the rung's results: the follower showed it pending before it was asked.
      const promoted = [...told].some((done) => done.startsWith(`${configIdKey(job!.configId)}@`));
      if (promoted) promotions++;
      if (promoted) assert.ok(lastPending.has(key), `promotion ${key} was shown pending before it was asked`);
      assert.ok(pendingKeys().has(key), `asked job ${key} is pending`);
      // Every 5th job fails: failed configurations are not promoted and their slots are refilled.
      search.tell(job, jobs % 5 === 4 ? { error: 'diverged' } : 1 / job.budget + job.configId[2] / 100);
      told.add(key);
      jobs++;
      lastPending = pendingKeys();
      assert.ok(!lastPending.has(key), `told job ${key} is no longer pending`);
    }
    assert.ok(promotions > 0, 'the run promoted configurations');
    assert.equal(pendingKeys().size, 0);
    search.close();
  });
}

test('an ASHA run directory with run.json: new configurations are pending on the lowest rung, and the plan is counted', async (t) => {
  const dir = path.join(tempDir(t), 'run');
  const space = readConfigSpaceJson(fs.readFileSync(path.join(HPBANDSTER_RUN, 'configspace.json'), 'utf8'));
  const search = new Search({
    space,
    optimizer: 'bohb',
    asynchronous: true,
    minBudget: 1,
    maxBudget: 9,
    nIterations: 2,
    seed: 2,
    logDir: dir,
  });
  await search.open();
  const follower = RunFollower.open(dir, { pollMs: 60_000 });
  t.after(() => follower.close());
  assert.equal(follower.snapshot().status.planned, search.plannedEvaluations());
  const pending = (): Map<string, number | null> => {
    follower.refresh();
    return new Map(follower.snapshot().running.map((job) => [configIdKey(job.configId), job.budget]));
  };
  const seen = new Set<string>();
  let fresh = 0;
  let promotions = 0;
  let step = 0;
  for (let job = await search.ask(); job !== null; job = await search.ask(), step++) {
    const key = configIdKey(job.configId);
    if (seen.has(key)) {
      promotions++;
    } else {
      fresh++;
      assert.equal(job.budget, 1, 'ASHA starts every configuration on the lowest rung');
      assert.equal(pending().get(key), 1, `new configuration ${key} is shown pending on the lowest rung`);
    }
    seen.add(key);
    search.tell(job, step % 4 === 3 ? { error: 'diverged' } : job.configId[2] / 10 + 1 / job.budget);
    assert.ok(!pending().has(key), `told configuration ${key} is no longer pending`);
  }
  assert.ok(fresh > 0 && promotions > 0, `${fresh} new configurations, ${promotions} promotions`);
  assert.equal(pending().size, 0);
  search.close();
});

test("hpbandster's run directory: a line appended in two writes is read once it is whole; a shrunk log is a new snapshot", async (t) => {
  const dir = tempDir(t);
  for (const file of ['configs.json', 'results.json', 'configspace.json'])
    fs.copyFileSync(path.join(HPBANDSTER_RUN, file), path.join(dir, file));
  const follower = RunFollower.open(dir, { pollMs: 50 });
  t.after(() => follower.close());
  const before = follower.snapshot().runs.length;
  assert.ok(before > 0);
  const lines = fs.readFileSync(path.join(dir, 'results.json'), 'utf8').split('\n').filter(Boolean);
  const extra = lines[0].replace(/^\[\[(\d+), (\d+), (\d+)\], [\d.]+,/, '[[$1, $2, $3], 1000.0,');
  const results: DashboardEvent[] = [];
  follower.subscribe((event) => results.push(event));
  fs.appendFileSync(path.join(dir, 'results.json'), extra.slice(0, 20));
  follower.refresh();
  assert.deepEqual(
    results.filter((event) => event.type === 'result'),
    [],
    'half a line is no result',
  );
  const arrived = next(follower, 'result');
  fs.appendFileSync(path.join(dir, 'results.json'), `${extra.slice(20)}\n`);
  assert.equal((await arrived).data.run.budget, 1000);
  assert.equal(follower.snapshot().runs.length, before + 1);
  const reset = next(follower, 'snapshot');
  fs.writeFileSync(path.join(dir, 'results.json'), `${lines[0]}\n`);
  assert.equal((await reset).data.runs.length, 1);
});
