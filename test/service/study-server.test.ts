import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Result } from '../../src/core/result.js';
import { checkListenAddress } from '../../src/service/access.js';
import type { ServiceError } from '../../src/service/service-error.js';
import { fixtureText } from '../helpers/fixtures.js';
import { call, lossOf, type Parsed, SMALL_STUDY, startServer } from './service-helpers.js';

test('a study created over HTTP runs to the end with ask/tell; its folder is a normal log that summary and hpbandster read', async (t) => {
  const { url, data } = await startServer(t);
  const created = await call(url, 'POST', '/api/studies', { name: 'branin-sh', ...SMALL_STUDY });
  assert.equal(created.status, 201);
  assert.equal(created.body.study.planned, 13);
  let told = 0;
  for (;;) {
    const asked = await call(url, 'POST', '/api/studies/branin-sh/ask', { waitMs: 5000 });
    assert.equal(asked.status, 200);
    if (asked.body.status === 'finished') break;
    assert.equal(asked.body.status, 'job');
    const { job } = asked.body;
    const tell = await call(url, 'POST', '/api/studies/branin-sh/tell', {
      configId: job.configId,
      budget: job.budget,
      loss: lossOf(job),
      info: { told },
    });
    assert.equal(tell.status, 200);
    assert.equal(tell.body.run.loss, lossOf(job));
    told++;
  }
  assert.equal(told, 13);
  const status = await call(url, 'GET', '/api/studies/branin-sh');
  assert.equal(status.body.study.finished, true);
  assert.equal(status.body.study.nRuns, 13);
  const logged = Result.fromDirectory(path.join(data, 'branin-sh'));
  assert.equal(logged.nRuns, 13);
  assert.deepEqual(logged.warnings, []);
  const incumbent = await call(url, 'GET', '/api/studies/branin-sh/incumbent');
  assert.deepEqual(incumbent.body.incumbent.configId, logged.incumbent()!.configId);
  assert.equal(incumbent.body.incumbent.budget, 9);
  const runs = await call(url, 'GET', '/api/studies/branin-sh/runs?since=10');
  assert.equal(runs.body.runs.length, 3);
  assert.equal(runs.body.next, 13);
  const list = await call(url, 'GET', '/api/studies');
  assert.deepEqual(
    list.body.studies.map((study: { name: string }) => study.name),
    ['branin-sh'],
  );
  for (const file of ['configs.json', 'results.json', 'configspace.json', 'run.json', 'study.json', 'bandster.lock']) {
    assert.ok(fs.existsSync(path.join(data, 'branin-sh', file)), file);
  }
});

test('a study from ConfigSpace JSON with failures told as errors and non-finite losses', async (t) => {
  const { url } = await startServer(t);
  const space = JSON.parse(fixtureText('configspace/v1.2/mixed_conditional.json'));
  const created = await call(url, 'POST', '/api/studies', {
    name: 'json.space_1',
    space,
    optimizer: 'random-search',
    minBudget: 1,
    maxBudget: 1,
    nIterations: 5,
    seed: 1,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const answers = [{ error: 'out of memory' }, { loss: 'NaN' }, { loss: '-Infinity' }, { loss: null }, { loss: 2.5, info: { epochs: 2 } }];
  const runs = [];
  for (const answer of answers) {
    const { body } = await call(url, 'POST', '/api/studies/json.space_1/ask', {});
    const told = await call(url, 'POST', '/api/studies/json.space_1/tell', {
      configId: body.job.configId,
      budget: body.job.budget,
      ...answer,
    });
    assert.equal(told.status, 200);
    runs.push(told.body.run);
  }
  assert.deepEqual(
    runs.map((run) => run.error?.split(':')[0] ?? null),
    ['threw', 'non-finite-loss', 'non-finite-loss', 'invalid-result', null],
  );
  assert.equal(runs[4].loss, 2.5);
});

test('bad requests get a 400 naming the field; unknown studies 404; existing names and double tells 409', async (t) => {
  const { url, server } = await startServer(t, { bodyLimit: 4096 });
  assert.equal((await call(url, 'POST', '/api/studies', { name: 's', ...SMALL_STUDY })).status, 201);
  const cases: [string, string, unknown, number, string | undefined][] = [
    ['POST', '/api/studies', { name: 's2', ...SMALL_STUDY, nIterations: '3' }, 400, 'body.nIterations'],
    ['POST', '/api/studies', { name: 's2', ...SMALL_STUDY, colour: 'red' }, 400, 'body.colour'],
    ['POST', '/api/studies', { ...SMALL_STUDY }, 400, 'body.name'],
    ['POST', '/api/studies', { name: '../escape', ...SMALL_STUDY }, 400, 'body.name'],
    ['POST', '/api/studies', { name: '.hidden', ...SMALL_STUDY }, 400, 'body.name'],
    ['POST', '/api/studies', { name: 's2', ...SMALL_STUDY, space: {} }, 400, 'body.space'],
    ['POST', '/api/studies', { name: 's2', preset: 'nope', nIterations: 1 }, 400, 'body.preset'],
    ['POST', '/api/studies', { name: 's2', ...SMALL_STUDY, minBudget: 10 }, 400, undefined],
    ['POST', '/api/studies', { name: 's2', ...SMALL_STUDY, eta: 1 }, 400, 'body.eta'],
    ['POST', '/api/studies', { name: 's2', ...SMALL_STUDY, eta: 1.0000001, minBudget: 1e-9, maxBudget: 1e12 }, 400, 'body.eta'],
    ['POST', '/api/studies', { name: 's2', ...SMALL_STUDY, minBudget: 1e-300, maxBudget: 1e12 }, 400, 'body.eta'],
    // The library's bound on a plan (PLAN_SIZE_LIMIT evaluations), which a study cannot lift.
    ['POST', '/api/studies', { name: 's2', ...SMALL_STUDY, nIterations: 100_000 }, 400, 'body.nIterations'],
    ['POST', '/api/studies', { name: 's', ...SMALL_STUDY }, 409, 'body.name'],
    ['POST', '/api/studies', { name: 's2', ...SMALL_STUDY, warmStartFrom: ['missing'] }, 404, 'body.warmStartFrom[0]'],
    ['GET', '/api/studies/missing', undefined, 404, 'params.name'],
    ['GET', '/api/studies/..%2F..%2Fetc', undefined, 400, 'params.name'],
    ['POST', '/api/studies/s/ask', { waitMs: -1 }, 400, 'body.waitMs'],
    ['POST', '/api/studies/s/ask', { waitMs: 10, extra: true }, 400, 'body.extra'],
    ['POST', '/api/studies/s/tell', { configId: [0, 0], budget: 1, loss: 1 }, 400, 'body.configId'],
    ['POST', '/api/studies/s/tell', { configId: [0, 0, 'x'], budget: 1, loss: 1 }, 400, 'body.configId[2]'],
    ['POST', '/api/studies/s/tell', { configId: [0, 0, 0], budget: 1 }, 400, 'body.loss'],
    ['POST', '/api/studies/s/tell', { configId: [0, 0, 0], budget: 1, loss: 1, error: 'x' }, 400, 'body.loss'],
    ['POST', '/api/studies/s/tell', { configId: [0, 0, 0], budget: 1, loss: 'low' }, 400, 'body.loss'],
    ['POST', '/api/studies/s/tell', '{"configId": [0, 0, 0], "budget": 1e400, "loss": 1}', 400, undefined],
    ['POST', '/api/studies/s/tell', { configId: [0, 0, 99], budget: 1, loss: 1 }, 404, undefined],
    ['POST', '/api/studies/s/tell', '{"configId": [0, 0, 0], "budget": 1, "loss": 1', 400, undefined],
    [
      'POST',
      '/api/studies/s/tell',
      JSON.stringify({ configId: [0, 0, 0], budget: 1, loss: 1, info: { pad: 'x'.repeat(5000) } }),
      413,
      undefined,
    ],
    ['POST', '/api/studies/s/heartbeat', { configId: [0, 0], budget: 1 }, 400, 'body.configId'],
    ['POST', '/api/studies/s/heartbeat', { configId: [0, 0, 0] }, 400, 'body.budget'],
    ['POST', '/api/studies/s/heartbeat', { configId: [0, 0, 0], budget: 1, attempt: -1 }, 400, 'body.attempt'],
    ['POST', '/api/studies/s/heartbeat', { configId: [0, 0, 0], budget: 1, leaseMs: 0 }, 400, 'body.leaseMs'],
    ['POST', '/api/studies/s/heartbeat', { configId: [0, 0, 0], budget: 1, loss: 1 }, 400, 'body.loss'],
    ['POST', '/api/studies/s/heartbeat', { configId: [0, 0, 99], budget: 1 }, 404, undefined],
    ['POST', '/api/studies/missing/heartbeat', { configId: [0, 0, 0], budget: 1 }, 404, 'params.name'],
    ['DELETE', '/api/studies/s', undefined, 404, undefined],
  ];
  for (const [method, route, body, status, field] of cases) {
    const answer = await call(url, method, route, body);
    const label = `${method} ${route} ${typeof body === 'string' ? body.slice(0, 60) : JSON.stringify(body)}`;
    assert.equal(answer.status, status, `${label}: ${JSON.stringify(answer.body)}`);
    assert.equal(typeof answer.body.error?.code, 'string', label);
    if (field) assert.equal(answer.body.error.field, field, `${label}: ${answer.body.error.message}`);
  }
  const { body } = await call(url, 'POST', '/api/studies/s/ask', {});
  const job = { configId: body.job.configId, budget: body.job.budget };
  assert.equal((await call(url, 'POST', '/api/studies/s/tell', { ...job, loss: 1 })).status, 200);
  const again = await call(url, 'POST', '/api/studies/s/tell', { ...job, loss: 2 });
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'ERR_JOB_ALREADY_TOLD');
  assert.equal(server.studies.list().length, 1, 'refused studies leave nothing behind');
});

test('ask waits at a rung barrier (a long poll), answers "wait" when its time runs out, and "finished" at the end', async (t) => {
  const { url } = await startServer(t);
  await call(url, 'POST', '/api/studies', { name: 'barrier', ...SMALL_STUDY });
  const jobs = [];
  for (let i = 0; i < 9; i++) jobs.push((await call(url, 'POST', '/api/studies/barrier/ask', {})).body.job);
  assert.deepEqual((await call(url, 'POST', '/api/studies/barrier/ask', { waitMs: 20 })).body, { status: 'wait' });
  const waiting = call(url, 'POST', '/api/studies/barrier/ask', { waitMs: 60_000 });
  for (const job of jobs)
    await call(url, 'POST', '/api/studies/barrier/tell', { configId: job.configId, budget: job.budget, loss: lossOf(job) });
  const promoted = await waiting;
  assert.equal(promoted.body.status, 'job');
  assert.equal(promoted.body.job.budget, 3);
});

test('a lease that runs out hands the job out again, and the expiry reaches the event stream once', async (t) => {
  const { url, warnings } = await startServer(t);
  await call(url, 'POST', '/api/studies', { name: 'lease', ...SMALL_STUDY, optimizer: 'random-search', nIterations: 1 });
  const first = (await call(url, 'POST', '/api/studies/lease/ask', { leaseMs: 30 })).body.job;
  const plannedOthers = [];
  for (;;) {
    const answer = (await call(url, 'POST', '/api/studies/lease/ask', { waitMs: 10_000 })).body;
    if (answer.job.attempt === 1) {
      assert.deepEqual(answer.job.configId, first.configId);
      break;
    }
    plannedOthers.push(answer.job);
  }
  assert.equal(warnings.filter((message) => message.includes('not told within its lease')).length, 1);
});

test("a heartbeat restarts a job's lease; a lost, told or unknown job is refused (409/404)", async (t) => {
  const { url } = await startServer(t);
  await call(url, 'POST', '/api/studies', { name: 'beat', ...SMALL_STUDY });
  const jobs = [];
  for (let i = 0; i < 8; i++) jobs.push((await call(url, 'POST', '/api/studies/beat/ask', {})).body.job);
  const held = (await call(url, 'POST', '/api/studies/beat/ask', { leaseMs: 60_000 })).body.job;
  const beat = await call(url, 'POST', '/api/studies/beat/heartbeat', { configId: held.configId, budget: held.budget, leaseMs: 600_000 });
  assert.equal(beat.status, 200, JSON.stringify(beat.body));
  assert.deepEqual(beat.body.job.configId, held.configId);
  assert.equal(beat.body.job.attempt, 0);
  assert.ok(beat.body.job.leaseExpiresAt >= held.leaseExpiresAt + 540_000, 'the lease now ends ten minutes out, not one');
  const { outstanding } = (await call(url, 'GET', '/api/studies/beat/runs')).body;
  assert.equal(
    outstanding.find((job: { budget: number; configId: number[] }) => job.configId[2] === held.configId[2]).leaseExpiresAt,
    beat.body.job.leaseExpiresAt,
  );
  // The last job of the rung gets a short lease and no heartbeat: a waiting ask receives it when it runs out.
  const short = jobs.pop();
  for (const job of [...jobs, held])
    await call(url, 'POST', '/api/studies/beat/tell', { configId: job.configId, budget: job.budget, loss: lossOf(job) });
  const shortRef = { configId: short.configId, budget: short.budget };
  const shortened = await call(url, 'POST', '/api/studies/beat/heartbeat', { ...shortRef, attempt: 0, leaseMs: 30 });
  assert.equal(shortened.status, 200);
  const again = (await call(url, 'POST', '/api/studies/beat/ask', { waitMs: 30_000 })).body.job;
  assert.deepEqual(again.configId, short.configId);
  assert.equal(again.attempt, 1);
  const lost = await call(url, 'POST', '/api/studies/beat/heartbeat', { ...shortRef, attempt: 0 });
  assert.equal(lost.status, 409);
  assert.equal(lost.body.error.code, 'ERR_LEASE_EXPIRED');
  assert.equal((await call(url, 'POST', '/api/studies/beat/heartbeat', { ...shortRef, attempt: 1 })).status, 200);
  await call(url, 'POST', '/api/studies/beat/tell', { ...shortRef, loss: lossOf(short) });
  const told = await call(url, 'POST', '/api/studies/beat/heartbeat', shortRef);
  assert.equal(told.status, 409);
  assert.equal(told.body.error.code, 'ERR_JOB_ALREADY_TOLD');
});

// An event that never comes fails the test (after a minute) instead of hanging the suite.
test('the event stream sends a snapshot, then each job, lease change and new result', { timeout: 60_000 }, async (t) => {
  const { url } = await startServer(t);
  await call(url, 'POST', '/api/studies', { name: 'events', ...SMALL_STUDY });
  const controller = new AbortController();
  t.after(() => controller.abort());
  const response = await fetch(`${url}/api/studies/events/events`, { signal: controller.signal });
  assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const reader = response.body!.getReader();
  let buffer = '';
  const nextEvent = async (): Promise<{ event: string; data: Parsed }> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (block.startsWith(':')) continue;
        const event = /^event: (.*)$/m.exec(block)![1];
        return { event, data: JSON.parse(/^data: (.*)$/m.exec(block)![1]) };
      }
      const { value } = await reader.read();
      buffer += new TextDecoder().decode(value);
    }
  };
  const snapshot = await nextEvent();
  assert.equal(snapshot.event, 'snapshot');
  assert.equal(snapshot.data.runs.length, 0);
  const { job } = (await call(url, 'POST', '/api/studies/events/ask', {})).body;
  const asked = await nextEvent();
  assert.equal(asked.event, 'job');
  assert.deepEqual(asked.data.configId, job.configId);
  // A heartbeat moves the job's lease on the page too.
  const beat = (
    await call(url, 'POST', '/api/studies/events/heartbeat', { configId: job.configId, budget: job.budget, leaseMs: 3_600_000 })
  ).body;
  const extended = await nextEvent();
  assert.equal(extended.event, 'job');
  assert.deepEqual(extended.data.configId, job.configId);
  assert.equal(extended.data.leaseExpiresAt, beat.job.leaseExpiresAt);
  assert.ok(extended.data.leaseExpiresAt > asked.data.leaseExpiresAt);
  await call(url, 'POST', '/api/studies/events/tell', { configId: job.configId, budget: job.budget, loss: 0.25 });
  const result = await nextEvent();
  assert.equal(result.event, 'result');
  assert.equal(result.data.run.loss, 0.25);
  assert.equal(result.data.status.nRuns, 1);
  const incumbent = await nextEvent();
  assert.equal(incumbent.event, 'incumbent');
  assert.equal(incumbent.data.loss, 0.25);
});

test('with a token every request needs it (Bearer, or ?token= on a GET); other addresses need one at all', async (t) => {
  assert.throws(
    () => checkListenAddress('0.0.0.0', undefined),
    (error: ServiceError) => error.code === 'ERR_TOKEN_REQUIRED',
  );
  checkListenAddress('0.0.0.0', 'secret');
  checkListenAddress('127.0.0.1', undefined);
  checkListenAddress('::1', undefined);
  const { url } = await startServer(t, { token: 'correct horse' });
  assert.equal((await call(url, 'GET', '/api/studies')).status, 401);
  assert.equal((await call(url, 'GET', '/api/studies', undefined, { authorization: 'Bearer wrong' })).status, 401);
  assert.equal(
    (await call(url, 'GET', '/api/studies', undefined, { authorization: 'Bearer correct horse' })).status,
    401,
    'one token word',
  );
  const { url: other } = await startServer(t, { token: 's3cret' });
  assert.equal((await call(other, 'GET', '/api/studies', undefined, { authorization: 'Bearer s3cret' })).status, 200);
  assert.equal((await call(other, 'GET', '/api/studies?token=s3cret')).status, 200);
  assert.equal((await call(other, 'POST', '/api/studies?token=s3cret', { name: 'x', ...SMALL_STUDY })).status, 401, 'not on a POST');
  assert.equal((await call(other, 'GET', '/assets/dashboard.js')).status, 200, 'static assets are public');
});

test('a restarted server resumes every study; a second server on the same data leaves the locked studies alone', async (t) => {
  const first = await startServer(t);
  await call(first.url, 'POST', '/api/studies', { name: 'a', ...SMALL_STUDY });
  await call(first.url, 'POST', '/api/studies', { name: 'b', ...SMALL_STUDY, seed: 6 });
  const job = (await call(first.url, 'POST', '/api/studies/a/ask', {})).body.job;
  await call(first.url, 'POST', '/api/studies/a/tell', { configId: job.configId, budget: job.budget, loss: 3 });

  const rival = await startServer(t, { data: first.data });
  assert.equal(rival.server.studies.list().length, 0);
  assert.equal(rival.warnings.length, 2);
  assert.match(rival.warnings[0], /locked by bandster serve \(pid \d+/);
  assert.equal((await call(rival.url, 'POST', '/api/studies', { name: 'a', ...SMALL_STUDY })).status, 409);
  await rival.server.close();

  await first.server.close();
  const second = await startServer(t, { data: first.data });
  assert.deepEqual(
    second.server.studies.list().map((study) => study.name),
    ['a', 'b'],
  );
  const runs = (await call(second.url, 'GET', '/api/studies/a/runs')).body.runs;
  assert.deepEqual(
    runs.map((run: { configId: number[]; loss: number }) => [run.configId, run.loss]),
    [[job.configId, 3]],
  );
  const next = (await call(second.url, 'POST', '/api/studies/a/ask', {})).body.job;
  assert.notDeepEqual(next.configId, job.configId);
});
