// Issue 12, item 7: bandster never writes a run's log or a report through a symbolic link (a link
// can point anywhere: --overwrite would empty its target, --resume append to it, a dangling link
// create a file outside the run directory). Such files are refused with an error naming them.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Result } from '../../src/core/result.js';
import { Search } from '../../src/core/search.js';
import type { Objective } from '../../src/core/types.js';
import { ConfigurationSpace } from '../../src/space/configuration-space.js';
import { UniformFloatHyperparameter } from '../../src/space/numeric-hyperparameters.js';
import { RunLogError } from '../../src/storage/run-log-error.js';
import { RunLogger } from '../../src/storage/run-logger.js';
import { tempDir } from '../helpers/temp-dir.js';

const space = new ConfigurationSpace().add(new UniformFloatHyperparameter('x', 0, 1));
const objective: Objective = (config, budget) => (config as { x: number }).x + 1 / budget;
const options = { space, objective, optimizer: 'hyperband', minBudget: 1, maxBudget: 9, eta: 3, nIterations: 1, seed: 3 } as const;

function isLinkRefused(file: string): (error: unknown) => boolean {
  return (error) =>
    error instanceof RunLogError && error.code === 'ERR_RUN_LOG_SYMLINK' && error.file === file && /symbolic link/.test(error.message);
}

test('--overwrite and --resume refuse a results.json that links elsewhere, and leave its target alone', async (t) => {
  const root = tempDir(t);
  const logDir = path.join(root, 'run');
  await new Search({ ...options, logDir }).run();
  const target = path.join(root, 'precious.txt');
  fs.writeFileSync(target, 'not a log\n');
  const results = path.join(logDir, 'results.json');
  fs.rmSync(results);
  fs.symlinkSync(target, results);
  await assert.rejects(new Search({ ...options, logDir, overwrite: true }).run(), isLinkRefused(results));
  await assert.rejects(new Search({ ...options, logDir, resume: true, nIterations: 2 }).run(), isLinkRefused(results));
  assert.equal(fs.readFileSync(target, 'utf8'), 'not a log\n');
  assert.ok(fs.lstatSync(results).isSymbolicLink());
});

test('a dangling configs.json link never creates a file outside the run directory', (t) => {
  const root = tempDir(t);
  const logDir = path.join(root, 'run');
  fs.mkdirSync(logDir);
  const outside = path.join(root, 'outside.json');
  const configs = path.join(logDir, 'configs.json');
  fs.symlinkSync(outside, configs);
  for (const mode of ['new', 'overwrite', 'append'] as const) {
    assert.throws(() => RunLogger.open(logDir, { mode }), isLinkRefused(configs), mode);
  }
  assert.ok(!fs.existsSync(outside));
  assert.ok(!fs.existsSync(path.join(logDir, 'results.json')), 'nothing opened before the refusal');
});

test('report --out refuses to write a picture or report.html through a link', async (t) => {
  const root = tempDir(t);
  const logDir = path.join(root, 'run');
  await new Search({ ...options, logDir }).run();
  const out = path.join(root, 'report');
  fs.mkdirSync(out);
  const target = path.join(root, 'precious.html');
  fs.writeFileSync(target, 'keep me');
  fs.symlinkSync(target, path.join(out, 'report.html'));
  const { writeSearchReport } = await import('../../src/report/search-report.js');
  await assert.rejects(
    writeSearchReport(Result.fromDirectory(logDir), out, { width: 300, scale: 1 }),
    (error: unknown) =>
      (error as { code?: string }).code === 'ERR_REPORT_WRITE' && /report\.html.*symbolic link/.test((error as Error).message),
  );
  assert.equal(fs.readFileSync(target, 'utf8'), 'keep me');
});
