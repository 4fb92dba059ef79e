// Issue 12, item 11: what the command line says when it is given the wrong kind of file, and what
// reaches the terminal from file and hyperparameter names (control characters, escaped).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Search } from '../../src/core/search.js';
import { ConfigurationSpace } from '../../src/space/configuration-space.js';
import { UniformFloatHyperparameter } from '../../src/space/numeric-hyperparameters.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runBandster, smallRunArgs } from '../helpers/cli.js';

const ESCAPE = '\u001b';

test('--space errors name the flag and the file: a folder, bad JSON, a document that is not a space', (t) => {
  const dir = tempDir(t);
  const run = (space: string) => runBandster([...smallRunArgs({ space }), '--log-dir', path.join(dir, 'run')]);
  const folder = run(dir);
  assert.equal(folder.status, 2);
  assert.equal(folder.stderr, `error: --space ${dir}: is a directory, not a file\n`, 'no EISDIR stack');
  const notJson = path.join(dir, 'not-json.json');
  fs.writeFileSync(notJson, 'nope');
  const badJson = run(notJson);
  assert.equal(badJson.status, 2);
  assert.match(badJson.stderr, new RegExp(`^error: --space ${notJson}: invalid JSON at line 1`));
  const notSpace = path.join(dir, 'not-space.json');
  fs.writeFileSync(notSpace, JSON.stringify({ hyperparameters: [{ type: 'uniform_int', name: 'a', lower: 5, upper: 1 }] }));
  const badSpace = run(notSpace);
  assert.equal(badSpace.status, 2);
  assert.match(badSpace.stderr, new RegExp(`^error: --space ${notSpace}: hyperparameters\\[0\\]: `));
  assert.doesNotMatch(badJson.stderr + badSpace.stderr, /document:/);
});

test('dataset info on a file says it is a file, not that the folder is missing', (t) => {
  const file = path.join(tempDir(t), 'image.png');
  fs.writeFileSync(file, 'not a folder');
  const info = runBandster(['dataset', 'info', file, '--patch', '8']);
  assert.equal(info.status, 2);
  assert.match(info.stdout + info.stderr, /image\.png: is a file, not a folder/);
  assert.doesNotMatch(info.stdout + info.stderr, /no such folder/);
});

test('control characters in file and hyperparameter names reach the terminal escaped', async (t) => {
  const dir = tempDir(t);
  const hostile = path.join(dir, `run${ESCAPE}[2J${ESCAPE}]0;pwned\u0007`);
  const missing = runBandster(['summary', hostile]);
  assert.equal(missing.status, 2);
  assert.ok(!missing.stderr.includes(ESCAPE) && !missing.stderr.includes('\u0007'), JSON.stringify(missing.stderr));
  assert.match(missing.stderr, /run\\x1b\[2J\\x1b\]0;pwned\\x07: no such run directory/);

  const name = `lr${ESCAPE}[31m`;
  const space = new ConfigurationSpace().add(new UniformFloatHyperparameter(name, 0, 1));
  await new Search({
    space,
    objective: (config) => config[name] as number,
    optimizer: 'hyperband',
    minBudget: 1,
    maxBudget: 9,
    nIterations: 1,
    seed: 1,
    logDir: hostile,
  }).run();
  const summary = runBandster(['summary', hostile]);
  assert.equal(summary.status, 0, summary.stderr);
  assert.ok(!summary.stdout.includes(ESCAPE), JSON.stringify(summary.stdout));
  assert.match(summary.stdout, /^ {4}lr\\x1b\[31m = /m);
});
