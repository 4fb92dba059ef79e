import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Result } from '../../src/core/result.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runBandster, tinySegmentationArgs } from '../helpers/cli.js';

test('bandster tune: generates the data, runs BOHB over the trainer in a thread pool, logs and summarises', (t) => {
  const dir = tempDir(t, 'bandster-tune-');
  const logDir = path.join(dir, 'run');
  const tune = runBandster([
    'tune',
    ...tinySegmentationArgs({ data: path.join(dir, 'data'), synthScale: 0.1, maxPatches: 24 }),
    '--iterations',
    '1',
    '--min-budget',
    '1',
    '--max-budget',
    '3',
    '--workers',
    '2',
    '--backend',
    'wasm',
    '--log-dir',
    logDir,
  ]);
  assert.equal(tune.status, 0, tune.stderr);
  assert.match(tune.stderr, /generating a synthetic one/);
  // Not a terminal: a line per finished iteration and per new incumbent instead of a bar.
  assert.match(tune.stderr, /\] iteration 0 done: 4\/4 evaluations, 0 failed, best \d/);
  assert.match(tune.stderr, /\] new incumbent \d\.\d+ \(0-0-\d @ budget \d\)/);
  assert.match(tune.stdout, /incumbent \d+-\d+-\d+: validation loss 0\.\d+, mean IoU/);
  assert.match(tune.stdout, /--preset study --data DIR --patch 256/);
  const report = /report: (.*report\.html)/.exec(tune.stdout);
  assert.ok(report && fs.existsSync(report[1]), `the job ends by writing the report (${tune.stdout})`);
  const result = Result.fromDirectory(logDir);
  assert.equal(result.nRuns, 4, 'one iteration of budgets 1…3: three configurations, one promoted');
  assert.equal(
    result.nFailed,
    0,
    result
      .allRuns()
      .map((run) => run.error)
      .join('\n'),
  );
  assert.deepEqual(result.budgets, [1, 3]);
  const info = result.incumbent()!.info as Record<string, unknown>;
  assert.equal(info.epochs, 3);
  assert.ok(Array.isArray(info.history));

  // compare --run trains on the run's data, patch size, depth, backend and seed without repeating them.
  const compare = runBandster(['compare', '--run', logDir, '--epochs', '1', '--out', path.join(dir, 'compare')]);
  assert.equal(compare.status, 0, compare.stderr);
  assert.match(
    compare.stderr,
    new RegExp(
      `dataset ${path.join(dir, 'data').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\d+ training and \\d+ validation patches of 32×32`,
    ),
  );
  assert.doesNotMatch(compare.stderr, /generating a synthetic one/);
  assert.match(compare.stdout, /^tuned +\{/m);
});
