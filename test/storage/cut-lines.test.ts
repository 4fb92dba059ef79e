// Issue 12, item 11: a line cut short by a crash must not stay in the middle of results.json or
// configs.json after a resume (hpbandster's reader, and any line-by-line reader, fails on it):
// reopening a log to append rewrites it without its cut lines, atomically.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Search } from '../../src/core/search.js';
import type { Objective } from '../../src/core/types.js';
import { ConfigurationSpace } from '../../src/space/configuration-space.js';
import { UniformFloatHyperparameter } from '../../src/space/numeric-hyperparameters.js';
import { parsePythonJson } from '../../src/storage/python-json.js';
import { RunLogger } from '../../src/storage/run-logger.js';
import { tempDir } from '../helpers/temp-dir.js';

const space = new ConfigurationSpace().add(new UniformFloatHyperparameter('x', 0, 1));
const objective: Objective = (config, budget) => (config as { x: number }).x + 1 / budget;
const options = { space, objective, optimizer: 'hyperband', minBudget: 1, maxBudget: 9, eta: 3, nIterations: 1, seed: 8 } as const;

/** Every line of `file` parses as JSON (Python's flavour), as hpbandster's reader requires. */
function everyLineParses(file: string): void {
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(text.endsWith('\n'), `${file} ends with a newline`);
  for (const line of text.split('\n').slice(0, -1)) assert.doesNotThrow(() => parsePythonJson(line), `${file}: ${line}`);
}

test('resume removes cut lines (a crash at the end, one left in the middle by an older resume) from both logs', async (t) => {
  const logDir = tempDir(t);
  await new Search({ ...options, logDir }).run();
  const results = path.join(logDir, 'results.json');
  const configs = path.join(logDir, 'configs.json');
  const resultLines = fs.readFileSync(results, 'utf8').split('\n').filter(Boolean);
  const configLines = fs.readFileSync(configs, 'utf8').split('\n').filter(Boolean);
  // A cut line in the middle of results.json (what a resume before this fix left), and one at the
  // end of each file (the process was killed while writing it).
  const middle = resultLines[4].slice(0, 40);
  fs.writeFileSync(results, `${[...resultLines.slice(0, 6), middle, ...resultLines.slice(6)].join('\n')}\n${resultLines[0].slice(0, 25)}`);
  fs.appendFileSync(configs, configLines[1].slice(0, 30));
  const resumed = await new Search({ ...options, logDir, resume: true, nIterations: 2 }).run();
  everyLineParses(results);
  everyLineParses(configs);
  assert.equal(fs.readFileSync(results, 'utf8').split('\n').filter(Boolean).length, resumed.nRuns);
  assert.deepEqual(
    fs.readdirSync(logDir).filter((name) => name.includes('.tmp')),
    [],
    'no temporary file left behind',
  );
});

test('a log without cut lines is appended to in place, untouched', (t) => {
  const logDir = tempDir(t);
  const logger = RunLogger.open(logDir);
  logger.logConfig([0, 0, 0], { x: 0.5 }, { model_based_pick: false });
  logger.close();
  const configs = path.join(logDir, 'configs.json');
  const inode = fs.statSync(configs).ino;
  const again = RunLogger.open(logDir, { mode: 'append' });
  again.logConfig([0, 0, 1], { x: 0.25 }, { model_based_pick: false });
  again.close();
  assert.equal(fs.statSync(configs).ino, inode, 'the same file: nothing to repair, nothing rewritten');
  everyLineParses(configs);
  // A complete last line that only lacks its newline (a cut right after the value) is kept.
  fs.writeFileSync(configs, fs.readFileSync(configs, 'utf8').trimEnd());
  RunLogger.open(logDir, { mode: 'append' }).close();
  everyLineParses(configs);
  assert.equal(fs.readFileSync(configs, 'utf8').split('\n').filter(Boolean).length, 2);
});
