import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { Result } from '../../src/core/result.js';
import { fuzzRequests } from './fuzz-requests.js';
import { call, SMALL_STUDY, startServer } from './service-helpers.js';

/**
 * The CI-sized fuzz: 2,000 requests through Fastify's in-process injection (no sockets, so it
 * takes seconds). `npm run bench service` sends the full 10,000 over HTTP.
 */
const REQUESTS = 2000;

test(`${REQUESTS} fuzzed requests get 4xx (never 5xx), the server stays up, and every study's log still reads`, async (t) => {
  const { server, url, data } = await startServer(t, { bodyLimit: 64 * 1024 });
  const studies = ['fuzz-a', 'fuzz-b'];
  await call(url, 'POST', '/api/studies', { name: 'fuzz-a', ...SMALL_STUDY });
  await call(url, 'POST', '/api/studies', { name: 'fuzz-b', ...SMALL_STUDY, optimizer: 'bohb', nIterations: 2, asynchronous: true });
  const statuses = new Map<number, number>();
  const serverErrors: string[] = [];
  for (const request of fuzzRequests(20240611, REQUESTS, studies)) {
    if (request.url.endsWith('/events') && request.method === 'GET') continue; // a stream, not a request/answer
    const response = await server.app.inject({
      method: request.method as 'GET',
      url: request.url,
      payload: request.body,
      headers: request.contentType ? { 'content-type': request.contentType } : {},
    });
    statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
    if (response.statusCode >= 500)
      serverErrors.push(
        `${request.method} ${request.url} ${request.body?.slice(0, 80)} → ${response.statusCode} ${response.body.slice(0, 200)}`,
      );
    if (request.malformed)
      assert.ok(
        response.statusCode >= 400 && response.statusCode < 500,
        `${request.method} ${request.url} ${request.body?.slice(0, 120)} → ${response.statusCode}`,
      );
    if (response.statusCode >= 400) assert.equal(typeof JSON.parse(response.body).error.code, 'string');
  }
  assert.deepEqual(serverErrors, []);
  const total = [...statuses.values()].reduce((sum, count) => sum + count, 0);
  assert.ok(total > REQUESTS * 0.9);
  // Still up, over a real socket, and every study still answers and reads from disk.
  assert.equal((await call(url, 'GET', '/api/studies')).status, 200);
  for (const name of studies) {
    const answer = await call(url, 'GET', `/api/studies/${name}/runs`);
    assert.equal(answer.status, 200);
    const logged = Result.fromDirectory(path.join(data, name));
    assert.deepEqual(logged.warnings, []);
    assert.equal(logged.nRuns, answer.body.runs.length);
  }
  for (const name of studies) assert.ok(server.studies.find(name), `${name} is still served`);
  t.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
});
