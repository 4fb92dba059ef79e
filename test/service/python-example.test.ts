import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Result } from '../../src/core/result.js';
import { hyperbandPlan, plannedEvaluations } from '../../src/optimizers/bracket-plan.js';
import { startServer } from './service-helpers.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/ask_tell_http.py', import.meta.url));
const PYTHON = process.env.BANDSTER_PYTHON ?? 'python3';
const found = spawnSync(PYTHON, ['--version'], { encoding: 'utf8' });
const skip = found.status === 0 ? false : `${PYTHON} not found: install Debian's python3 (CI's .ci/run does) to run the Python example`;

test('the Python example (standard library only) tunes a Python training function through the HTTP API', {
  skip,
  timeout: 120_000,
}, async (t) => {
  const { url, data } = await startServer(t);
  const child = spawn(
    PYTHON,
    [EXAMPLE, '--url', url, '--study', 'python-sgd', '--iterations', '2', '--seed', '3', '--heartbeat-seconds', '0'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BANDSTER_TOKEN: '' },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  assert.equal(code, 0, stderr);
  const printed = JSON.parse(stdout.trim().split('\n').at(-1)!);
  const planned = plannedEvaluations(hyperbandPlan({ minBudget: 1, maxBudget: 9, eta: 3 }), 2);
  assert.equal(printed.jobs, planned);
  const logged = Result.fromDirectory(path.join(data, 'python-sgd'));
  assert.equal(logged.nRuns, planned);
  // A heartbeat after every epoch (--heartbeat-seconds 0), each accepted: one per epoch of a run that did not diverge.
  const trainedEpochs = logged
    .allRuns()
    .filter((run) => run.loss !== null && Number.isFinite(run.loss))
    .reduce((sum, run) => sum + Math.round(run.budget), 0);
  assert.ok(trainedEpochs > 0);
  assert.ok(printed.heartbeats >= trainedEpochs, `heartbeats sent: ${printed.heartbeats}, epochs trained: ${trainedEpochs}`);
  assert.ok(!stderr.includes('ERR_LEASE_EXPIRED') && !/lease/.test(stderr), stderr);
  assert.deepEqual(printed.incumbent.configId, logged.incumbent()!.configId);
  // The incumbent was trained 9 epochs with settings that fit the linear model (the noise variance is 0.01).
  assert.equal(printed.incumbent.budget, 9);
  assert.ok(printed.incumbent.loss < 0.5, `incumbent validation MSE ${printed.incumbent.loss}`);
  assert.ok(['sgd', 'momentum'].includes(printed.incumbent.config.optimizer));
});
