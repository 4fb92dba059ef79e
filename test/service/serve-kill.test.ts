import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { Result } from '../../src/core/result.js';
import { tempDir } from '../helpers/temp-dir.js';
import { call, lossOf, SMALL_STUDY } from './service-helpers.js';
import { BANDSTER_BIN } from '../helpers/cli.js';

/** Starts `bandster serve` on a free port; resolves once it listens, with its URL. */
async function serve(data: string, extra: string[] = []): Promise<{ child: ChildProcess; url: string; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, [BANDSTER_BIN, 'serve', '--data', data, '--port', '0', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]);
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`bandster serve exited (${code}) before listening:\n${output}`)));
  });
  return { child, url, exited };
}

test('kill -9 right after a tell was acknowledged: after a restart the result is there, and the job is not asked again', async (t) => {
  const data = tempDir(t, 'bandster-serve-kill-');
  const first = await serve(data);
  t.after(() => first.child.kill('SIGKILL'));
  assert.equal((await call(first.url, 'POST', '/api/studies', { name: 'crash', ...SMALL_STUDY })).status, 201);
  const jobs = [];
  for (let i = 0; i < 4; i++) jobs.push((await call(first.url, 'POST', '/api/studies/crash/ask', {})).body.job);
  const acknowledged = [];
  for (const job of jobs.slice(0, 3)) {
    const told = await call(first.url, 'POST', '/api/studies/crash/tell', {
      configId: job.configId,
      budget: job.budget,
      loss: lossOf(job),
    });
    assert.equal(told.status, 200);
    acknowledged.push(`${job.configId.join('-')}@${job.budget}`);
  }
  first.child.kill('SIGKILL');
  await first.exited;

  const second = await serve(data);
  t.after(() => second.child.kill('SIGKILL'));
  const runs = (await call(second.url, 'GET', '/api/studies/crash/runs')).body.runs;
  assert.deepEqual(
    runs.map((run: { configId: number[]; budget: number }) => `${run.configId.join('-')}@${run.budget}`),
    acknowledged,
  );
  const again = await call(second.url, 'POST', '/api/studies/crash/tell', { configId: jobs[0].configId, budget: jobs[0].budget, loss: 0 });
  assert.equal(again.status, 409, 'a told job stays told across the restart');
  // The job asked but never told before the kill comes out first.
  const next = (await call(second.url, 'POST', '/api/studies/crash/ask', {})).body.job;
  assert.deepEqual(next.configId, jobs[3].configId);
  second.child.kill('SIGTERM');
  assert.equal(await second.exited, 0, 'SIGTERM stops the server cleanly');
  assert.equal(Result.fromDirectory(path.join(data, 'crash')).nRuns, 3);
});

test('bandster serve refuses a non-loopback address without a token (exit 2, error: message)', async (t) => {
  const data = tempDir(t, 'bandster-serve-host-');
  const child = spawn(process.execPath, [BANDSTER_BIN, 'serve', '--data', data, '--host', '0.0.0.0', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BANDSTER_TOKEN: '' },
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  assert.equal(code, 2);
  assert.match(stderr, /^error: listening on 0\.0\.0\.0 .*--token/);
});
