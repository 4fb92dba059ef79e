import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fixturePath } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runBandster, smallRunArgs } from '../helpers/cli.js';

const objective = fileURLToPath(new URL('../cli/fixtures/objective.ts', import.meta.url));

test('bandster run --workers 2: a TypeScript objective in worker threads, every planned run, hpbandster logs', (t) => {
  const dir = tempDir(t, 'bandster-pool-cli-');
  const logDir = path.join(dir, 'run');
  const calls = path.join(dir, 'calls');
  const args = [...smallRunArgs({ space: fixturePath('configspace/v1.2/study.json'), objective }), '--iterations', '2'];
  const result = runBandster([...args, '--seed', '3', '--workers', '2', '--memory-mb', '256', '--json', '--log-dir', logDir], {
    env: { BANDSTER_TEST_CALLS: calls },
  });
  assert.equal(result.status, 0, result.stderr);
  const parsed = JSON.parse(result.stdout);
  assert.equal(parsed.runs.length, 13 + 4, 'two iterations of budgets 1…9: 9 + 3 + 1, then 3 + 1');
  assert.ok(parsed.runs.every((run: { loss: number | null }) => run.loss !== null));
  assert.equal(fs.readFileSync(calls, 'utf8').split('\n').filter(Boolean).length, 17, 'the objective ran in the threads, once per run');
  assert.equal(fs.readFileSync(path.join(logDir, 'results.json'), 'utf8').split('\n').filter(Boolean).length, 17);

  const memoryAlone = runBandster([...args, '--memory-mb', '64', '--log-dir', path.join(dir, 'r2')]);
  assert.equal(memoryAlone.status, 2);
  assert.match(memoryAlone.stderr, /--memory-mb does not apply to the inline executor \(only to: thread-pool\)/);
  const zero = runBandster([...args, '--workers', '0', '--log-dir', path.join(dir, 'r3')]);
  assert.equal(zero.status, 2);
  assert.match(zero.stderr, /--workers must be an integer >= 1 \(got 0\)/);
  const missing = runBandster([...args, '--objective', path.join(dir, 'missing.ts'), '--workers', '2', '--log-dir', path.join(dir, 'r4')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /missing\.ts cannot be used: Cannot find module/);
});
