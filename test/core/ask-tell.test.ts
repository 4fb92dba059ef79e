import assert from 'node:assert/strict';
import { on } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { countingOnes } from '../../src/benchmarks/counting-ones.js';
import type { AskTellError } from '../../src/core/ask-tell-error.js';
import type { BandsterError } from '../../src/core/errors.js';
import { Result } from '../../src/core/result.js';
import { type AskedJob, Search, type SearchOptions } from '../../src/core/search.js';
import { configIdKey, type Objective } from '../../src/core/types.js';
import { hyperbandPlan, plannedEvaluations } from '../../src/optimizers/bracket-plan.js';
import { HPBANDSTER_RUN } from '../helpers/fixtures.js';
import { loggedResults } from '../helpers/run-logs.js';
import { RUN_LOCK_FILE } from '../../src/storage/run-lock.js';
import { tempDir } from '../helpers/temp-dir.js';

const small = { minBudget: 1, maxBudget: 9, eta: 3 } as const;
const benchmark = countingOnes({ categorical: 2, continuous: 2 });
/** The benchmark's loss for a job (a deterministic function of its id, configuration and budget). */
function evaluate(job: { configId: AskedJob['configId']; config: unknown; budget: number }): number {
  return (benchmark.objective as (config: unknown, budget: number, ctx: unknown) => number)(job.config, job.budget, {
    configId: job.configId,
  });
}

function searchOptions(overrides: Partial<SearchOptions> = {}): SearchOptions {
  return { space: benchmark.space, ...small, nIterations: 3, seed: 7, ...overrides };
}

/** Settles pending promise callbacks, so a promise that could resolve has. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** 'pending' while `promise` has not settled. */
async function state(promise: Promise<unknown>): Promise<'pending' | 'settled'> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await settle();
  return settled ? 'settled' : 'pending';
}

/** Asks and tells until the search is finished; returns the number of jobs. */
async function drive(search: Search, objective: (job: AskedJob) => unknown = (job) => evaluate(job)): Promise<number> {
  let jobs = 0;
  for (let job = await search.ask(); job !== null; job = await search.ask()) {
    search.tell(job, objective(job) as number);
    jobs++;
  }
  return jobs;
}

/** The log without its timestamps (which differ between runs). */
function logWithoutTimes(dir: string): string[] {
  const results = fs.readFileSync(path.join(dir, 'results.json'), 'utf8').split('\n').filter(Boolean);
  return [fs.readFileSync(path.join(dir, 'configs.json'), 'utf8'), ...results.map((line) => line.replace(/\{"submitted"[^}]*\}/, 'T'))];
}

for (const asynchronous of [false, true]) {
  const scheduler = asynchronous ? 'ASHA' : 'synchronous brackets';
  test(`ask/tell one job at a time writes the same log as run() with one worker (${scheduler})`, async (t) => {
    const dir = tempDir(t);
    const objective: Objective = (config, budget, ctx) => benchmark.objective(config, budget, ctx);
    await new Search(searchOptions({ objective, asynchronous, logDir: path.join(dir, 'run') })).run();
    const search = new Search(searchOptions({ asynchronous, logDir: path.join(dir, 'ask') }));
    const jobs = await drive(search);
    assert.deepEqual(logWithoutTimes(path.join(dir, 'ask')), logWithoutTimes(path.join(dir, 'run')));
    assert.equal(jobs, Result.fromDirectory(path.join(dir, 'run')).nRuns);
    assert.equal(search.isFinished, true);
    assert.equal(await search.ask(), null, 'a finished search keeps answering null');
  });
}

test('at a rung barrier ask waits for a tell (no polling), then hands out the promoted job', async () => {
  // One iteration of successive halving: 9 configurations on budget 1, the best 3 on budget 3, the best on 9.
  const search = new Search(searchOptions({ optimizer: 'successive-halving', nIterations: 1 }));
  const firstRung: AskedJob[] = [];
  for (let i = 0; i < 9; i++) firstRung.push((await search.ask())!);
  assert.deepEqual(
    firstRung.map((job) => job.budget),
    Array(9).fill(1),
  );
  const waiting = search.ask();
  assert.equal(await state(waiting), 'pending', 'the rung is not complete: ask waits');
  for (const job of firstRung.slice(0, 8)) search.tell(job, evaluate(job));
  assert.equal(await state(waiting), 'pending', 'one result is still missing');
  search.tell(firstRung[8], evaluate(firstRung[8]));
  const promoted = await waiting;
  assert.equal(promoted?.budget, 3);
  assert.ok(firstRung.some((job) => configIdKey(job.configId) === configIdKey(promoted!.configId)));
  search.close();
});

test('an ask stopped by its AbortSignal rejects with ERR_ABORTED and hands nothing out', async () => {
  const search = new Search(searchOptions({ optimizer: 'successive-halving', nIterations: 1 }));
  const jobs: AskedJob[] = [];
  for (let i = 0; i < 9; i++) jobs.push((await search.ask())!);
  const controller = new AbortController();
  const waiting = search.ask({ signal: controller.signal });
  controller.abort();
  await assert.rejects(waiting, (error: BandsterError) => error.code === 'ERR_ABORTED');
  await assert.rejects(search.ask({ signal: AbortSignal.abort() }), (error: BandsterError) => error.code === 'ERR_ABORTED');
  const next = search.ask();
  for (const job of jobs) search.tell(job, evaluate(job));
  assert.equal((await next)?.budget, 3, 'the next ask gets the promoted job');
  search.close();
  await assert.rejects(search.ask(), (error: AskTellError) => error.code === 'ERR_SEARCH_CLOSED');
});

test('close() rejects a waiting ask with ERR_SEARCH_CLOSED', async () => {
  const search = new Search(searchOptions({ optimizer: 'successive-halving', nIterations: 1 }));
  for (let i = 0; i < 9; i++) await search.ask();
  const waiting = search.ask();
  search.close();
  await assert.rejects(waiting, (error: AskTellError) => error.code === 'ERR_SEARCH_CLOSED');
});

test('told results follow the objective rules: failures, non-finite losses and malformed results are recorded failures', async (t) => {
  const dir = tempDir(t);
  const search = new Search(searchOptions({ logDir: dir, nIterations: 1 }));
  const told: unknown[] = [
    0.5,
    { loss: 0.25, info: { epochs: 3 } },
    Number.NaN,
    Number.POSITIVE_INFINITY,
    { loss: 'low' },
    new Error('diverged at epoch 3'),
    { error: 'CUDA out of memory', info: { gpu: 0 } },
    null,
  ];
  const runs = [];
  for (const value of told) {
    const job = (await search.ask())!;
    runs.push(search.tell(job, value as number));
  }
  assert.deepEqual(
    runs.map((run) => run.loss),
    [0.5, 0.25, null, null, null, null, null, null],
  );
  assert.deepEqual(runs[1].info, { epochs: 3 });
  const errors = runs.map((run) => run.error?.split(':')[0]);
  assert.deepEqual(errors, [
    undefined,
    undefined,
    'non-finite-loss',
    'non-finite-loss',
    'invalid-result',
    'threw',
    'threw',
    'invalid-result',
  ]);
  assert.match(runs[5].error!, /diverged at epoch 3/);
  assert.match(runs[6].error!, /CUDA out of memory/);
  search.close();
  const logged = Result.fromDirectory(dir);
  assert.equal(logged.nRuns, told.length, 'every tell is in results.json');
  assert.equal(logged.nFailed, 6);
});

test('a double tell is refused with ERR_JOB_ALREADY_TOLD, an unknown job with ERR_UNKNOWN_JOB; the first tell counts', async () => {
  const search = new Search(searchOptions());
  assert.throws(
    () => search.tell({ configId: [0, 0, 0], budget: 1 }, 1),
    (error: AskTellError) => error.code === 'ERR_UNKNOWN_JOB',
  );
  const job = (await search.ask())!;
  search.tell(job, 0.75);
  assert.throws(
    () => search.tell(job, 0.1),
    (error: AskTellError) => error.code === 'ERR_JOB_ALREADY_TOLD',
  );
  assert.throws(
    () => search.tell({ configId: job.configId, budget: 2 }, 0.1),
    (error: AskTellError) => error.code === 'ERR_UNKNOWN_JOB',
  );
  assert.throws(
    () => search.tell({ configId: [0, 0, 99], budget: 1 }, 0.1),
    (error: AskTellError) => error.code === 'ERR_UNKNOWN_JOB',
  );
  assert.throws(
    () => search.tell({ configId: 'x' as never, budget: 1 }, 0.1),
    (error: BandsterError) => error.code === 'ERR_INVALID_OPTION',
  );
  assert.equal(search.result().allRuns()[0].loss, 0.75);
  search.close();
});

test('a job not told within its lease is handed out again, announced once; either holder may tell it', async () => {
  const search = new Search(searchOptions({ optimizer: 'successive-halving', nIterations: 1 }));
  const warnings: string[] = [];
  search.on('warning', ({ message }) => warnings.push(message));
  const jobs: AskedJob[] = [];
  for (let i = 0; i < 8; i++) jobs.push((await search.ask())!);
  const late = (await search.ask({ leaseMs: 30 }))!;
  for (const job of jobs) search.tell(job, evaluate(job));
  assert.equal(search.outstanding().length, 1);
  // The rung waits for `late`: this ask resolves when its lease expires, with the same job.
  const again = (await search.ask({ leaseMs: 60_000 }))!;
  assert.equal(configIdKey(again.configId), configIdKey(late.configId));
  assert.equal(again.budget, late.budget);
  assert.equal(again.attempt, 1);
  assert.equal(warnings.length, 1, 'the expiry is announced once');
  assert.match(warnings[0], new RegExp(`job ${configIdKey(late.configId)}@1 .*not told within its lease of 30 ms`));
  // The first holder was slow, not dead: its tell counts, and the second holder's is refused.
  search.tell(late, evaluate(late));
  assert.throws(
    () => search.tell(again, 0),
    (error: AskTellError) => error.code === 'ERR_JOB_ALREADY_TOLD',
  );
  assert.equal((await search.ask())?.budget, 3, 'the rung is complete');
  assert.equal(warnings.length, 1);
  search.close();
});

test('heartbeats keep a lease alive past its timeout; once they stop it expires and is handed out again', async (t) => {
  // A controllable clock: leases are timed by Date.now and one setTimeout, both mocked here.
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  const search = new Search(searchOptions({ optimizer: 'successive-halving', nIterations: 1 }));
  const warnings: string[] = [];
  search.on('warning', ({ message }) => warnings.push(message));
  const jobs: AskedJob[] = [];
  for (let i = 0; i < 8; i++) jobs.push((await search.ask())!);
  const slow = (await search.ask({ leaseMs: 100 }))!;
  assert.equal(slow.leaseExpiresAt, 1_000_100);
  for (const job of jobs) search.tell(job, evaluate(job));
  // The rung waits for `slow`: this ask resolves only when its lease runs out.
  const waiting = search.ask({ leaseMs: 60_000 });
  for (let beat = 1; beat <= 5; beat++) {
    t.mock.timers.tick(60);
    const extended = search.extendLease(slow);
    assert.equal(extended.leaseExpiresAt, Date.now() + 100, 'the lease restarts with the length it was asked with');
    assert.equal(extended.attempt, 0);
    assert.equal(search.outstanding()[0].leaseExpiresAt, extended.leaseExpiresAt);
  }
  // 300 ms have passed, three times the lease: without the heartbeats it would have been handed out again.
  assert.equal(await state(waiting), 'pending');
  assert.deepEqual(warnings, []);
  // A heartbeat may also set another length.
  t.mock.timers.tick(60);
  assert.equal(search.extendLease(slow, 500).leaseExpiresAt, Date.now() + 500);
  t.mock.timers.tick(499);
  assert.equal(await state(waiting), 'pending');
  // The heartbeats stop: the lease runs out and the job goes to the waiting ask.
  t.mock.timers.tick(1);
  const again = (await waiting)!;
  assert.equal(configIdKey(again.configId), configIdKey(slow.configId));
  assert.equal(again.attempt, 1);
  assert.equal(warnings.length, 1);
  // The first holder lost its lease (its tell would still count); the new holder may extend it.
  assert.throws(
    () => search.extendLease(slow),
    (error: AskTellError) => error.code === 'ERR_LEASE_EXPIRED',
  );
  assert.equal(search.extendLease(again).attempt, 1);
  assert.equal(search.extendLease({ configId: again.configId, budget: again.budget }).leaseExpiresAt, Date.now() + 60_000);
  search.tell(again, evaluate(again));
  assert.throws(
    () => search.extendLease(again),
    (error: AskTellError) => error.code === 'ERR_JOB_ALREADY_TOLD',
  );
  search.close();
});

test('a lease extension is refused for unknown jobs, expired leases not yet handed out again, and bad lengths', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  const search = new Search(searchOptions());
  assert.throws(
    () => search.extendLease({ configId: [0, 0, 0], budget: 1 }),
    (error: AskTellError) => error.code === 'ERR_UNKNOWN_JOB',
  );
  const job = (await search.ask({ leaseMs: 50 }))!;
  assert.throws(
    () => search.extendLease({ configId: [0, 0, 99], budget: 1 }),
    (error: AskTellError) => error.code === 'ERR_UNKNOWN_JOB',
  );
  assert.throws(
    () => search.extendLease({ configId: job.configId, budget: job.budget * 3 }),
    (error: AskTellError) => error.code === 'ERR_UNKNOWN_JOB',
  );
  for (const leaseMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(
      () => search.extendLease(job, leaseMs),
      (error: BandsterError) => error.code === 'ERR_INVALID_OPTION',
    );
  }
  assert.throws(
    () => search.extendLease({ ...job, attempt: -1 }),
    (error: BandsterError) => error.code === 'ERR_INVALID_OPTION',
  );
  // Nobody waits, so the expired job sits in the queue to be handed out again: too late to extend.
  t.mock.timers.tick(50);
  assert.throws(
    () => search.extendLease(job),
    (error: AskTellError) => error.code === 'ERR_LEASE_EXPIRED',
  );
  // Its holder may still tell it, and the job is then not handed out again.
  search.tell(job, evaluate(job));
  const next = (await search.ask())!;
  assert.notEqual(configIdKey(next.configId), configIdKey(job.configId));
  search.close();
  assert.throws(
    () => search.extendLease(next),
    (error: AskTellError) => error.code === 'ERR_SEARCH_CLOSED',
  );
});

test('ask/tell resumes like run(): told results are kept, jobs asked but not told are handed out again', async (t) => {
  const dir = tempDir(t);
  const options = searchOptions({ logDir: dir, nIterations: 4 });
  const first = new Search(options);
  const unanswered: AskedJob[] = [];
  for (let i = 0; i < 20; i++) {
    const job = (await first.ask())!;
    if (i % 5 === 4) unanswered.push(job);
    else first.tell(job, evaluate(job));
  }
  const told = loggedResults(dir);
  assert.equal(told.length, 16);
  // No close(): as if the process died here — and with it its lock (a dead holder's lock is stale).
  fs.rmSync(path.join(dir, RUN_LOCK_FILE));
  const second = new Search({ ...options, resume: true });
  await second.open();
  assert.deepEqual(
    second
      .result()
      .allRuns()
      .map((run) => `${configIdKey(run.configId)}@${run.budget}`)
      .sort(),
    [...told].sort(),
    'every told result is there before anything is asked',
  );
  const reissued = new Set<string>();
  for (let job = await second.ask(); job !== null; job = await second.ask()) {
    const key = `${configIdKey(job.configId)}@${job.budget}`;
    assert.ok(!told.includes(key), `${key} was told before the restart and is not asked again`);
    reissued.add(key);
    second.tell(job, evaluate(job));
  }
  for (const job of unanswered) assert.ok(reissued.has(`${configIdKey(job.configId)}@${job.budget}`));
  const all = loggedResults(dir);
  assert.equal(new Set(all).size, all.length, 'no evaluation logged twice');
  assert.equal(all.length, plannedEvaluations(hyperbandPlan(small), 4));
});

test('ask/tell warm-starts from an hpbandster run: its evaluations feed the model and are copied into the log', async (t) => {
  const dir = tempDir(t);
  const hpbandster = Result.fromDirectory(HPBANDSTER_RUN);
  const space = (await import('../../src/space/configspace-json.js')).readConfigSpaceJson(
    fs.readFileSync(path.join(HPBANDSTER_RUN, 'configspace.json'), 'utf8'),
  );
  const search = new Search({ space, ...small, nIterations: 1, seed: 3, logDir: dir, warmStartFrom: HPBANDSTER_RUN });
  await search.open();
  assert.equal(search.result().nRuns, hpbandster.nRuns);
  const job = (await search.ask())!;
  assert.ok(job.configId[0] > Math.max(...hpbandster.allRuns().map((run) => run.configId[0])), 'new ids follow the source iterations');
  search.tell(job, 1);
  search.close();
  assert.equal(Result.fromDirectory(dir).nRuns, hpbandster.nRuns + 1);
});

test('a search is driven by run() or by ask/tell, not both', async () => {
  const asked = new Search(searchOptions({ objective: (config, budget, ctx) => benchmark.objective(config, budget, ctx) }));
  await asked.ask();
  await assert.rejects(asked.run(), (error: AskTellError) => error.code === 'ERR_SEARCH_MODE');
  asked.close();
  const ran = new Search(searchOptions({ objective: (config, budget, ctx) => benchmark.objective(config, budget, ctx), nIterations: 1 }));
  await ran.run();
  await assert.rejects(ran.ask(), (error: AskTellError) => error.code === 'ERR_SEARCH_MODE');
  assert.throws(
    () => ran.tell({ configId: [0, 0, 0], budget: 1 }, 1),
    (error: AskTellError) => error.code === 'ERR_SEARCH_MODE',
  );
  assert.throws(
    () => ran.extendLease({ configId: [0, 0, 0], budget: 1 }),
    (error: AskTellError) => error.code === 'ERR_SEARCH_MODE',
  );
  await assert.rejects(new Search(searchOptions()).run(), (error: BandsterError) => error.code === 'ERR_INVALID_OPTION');
  assert.throws(
    () => new Search(searchOptions({ leaseTimeoutMs: 0 })),
    (error: BandsterError) => error.code === 'ERR_INVALID_OPTION',
  );
  await assert.rejects(new Search(searchOptions()).ask({ leaseMs: -1 }), (error: BandsterError) => error.code === 'ERR_INVALID_OPTION');
});

test('events.on(search, name) iterates a search’s events and removes its listener when the loop ends', async () => {
  const search = new Search(searchOptions({ nIterations: 1 }));
  const controller = new AbortController();
  const finished: number[] = [];
  const listening = (async () => {
    for await (const [payload] of on(search as never, 'job:finished', { signal: controller.signal })) {
      finished.push((payload as { run: { budget: number } }).run.budget);
      if (finished.length === 3) break;
    }
  })();
  for (let i = 0; i < 3; i++) {
    const job = (await search.ask())!;
    search.tell(job, 0.5);
  }
  await listening;
  assert.equal(finished.length, 3);
  search.close();
});
