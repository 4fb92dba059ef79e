import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Result } from '../../src/core/result.js';
import { fixturePath } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runBandster } from '../helpers/cli.js';

const objective = fileURLToPath(new URL('./fixtures/memory-objective.ts', import.meta.url));

test('bandster run --memory-budget: the module’s memoryDemand decides; too big for standard runs frugal (said on stderr and in the log), too big for both fails with the reason', (t) => {
  const dir = tempDir(t, 'bandster-memory-cli-');
  const logDir = path.join(dir, 'run');
  const base = [
    'run',
    '--space',
    fixturePath('configspace/v1.2/study.json'),
    '--min-budget',
    '1',
    '--max-budget',
    '9',
    '--iterations',
    '3',
    '--seed',
    '7',
  ];
  const run = runBandster([...base, '--objective', objective, '--memory-budget', '100000', '--log-dir', logDir]);
  assert.equal(run.status, 0, run.stderr);
  const result = Result.fromDirectory(logDir);
  assert.ok(result.nRuns > 10);
  for (const entry of result.allRuns()) {
    const batch = (result.configOf(entry.configId) as { batchsize: number }).batchsize;
    if (batch <= 15) assert.equal(entry.info.profile, 'standard');
    else if (batch <= 25) assert.equal(entry.info.profile, 'frugal');
    else
      assert.match(
        entry.error ?? '',
        /^out-of-memory: its predicted peak of .* in the frugal profile does not fit the memory budget of 97\.66 GB/,
      );
  }
  assert.match(run.stderr, /warning: \d+-\d+-\d+ on budget \d+: runs in the frugal profile/);
  // Without memoryDemand the budget cannot be kept: a clear error, exit code 2.
  const other = runBandster([
    ...base,
    '--objective',
    fileURLToPath(new URL('./fixtures/objective.ts', import.meta.url)),
    '--memory-budget',
    '4000',
    '--log-dir',
    path.join(dir, 'other'),
  ]);
  assert.equal(other.status, 2);
  assert.match(other.stderr, /--memory-budget needs the objective module to export memoryDemand\(config, budget, profile\)/);
});
