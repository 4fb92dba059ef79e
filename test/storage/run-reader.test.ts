import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';

import { RunLogError, type RunLogErrorCode } from '../../src/storage/run-log-error.js';
import { readRunDirectory } from '../../src/storage/run-reader.js';
import { HPBANDSTER_RUN } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

const FIXTURE = HPBANDSTER_RUN;

/** A run directory holding a copy of the fixture. */
function fixtureCopy(t: TestContext): string {
  const dir = tempDir(t);
  for (const name of ['configs.json', 'results.json', 'configspace.json']) fs.copyFileSync(path.join(FIXTURE, name), path.join(dir, name));
  return dir;
}

function editLines(file: string, edit: (lines: string[]) => string[]): void {
  fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8').split('\n')).join('\n'));
}

/** `action` throws a RunLogError of `code` naming `file` (and `line`); the message says what, matching `pattern`. */
function assertRunLogError(action: () => unknown, code: RunLogErrorCode, file: string, line: number | undefined, pattern: RegExp): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof RunLogError, `expected a RunLogError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(path.basename(error.file), file);
    assert.equal(error.line, line);
    if (line !== undefined) assert.ok(error.message.includes(`${file}:${line}:`), error.message);
    assert.match(error.message, pattern);
    return true;
  });
}

test('reads the run hpbandster logged', () => {
  const run = readRunDirectory(FIXTURE);
  assert.deepEqual(run.warnings, []);
  assert.equal(run.configs.size, 92);
  assert.equal(run.runs.length, 130);
  assert.deepEqual(run.configs.get('7-0-3'), {
    configId: [7, 0, 3],
    config: {
      cat_0: 1,
      cat_1: 1,
      cat_2: 1,
      cat_3: 0,
      float_0: 0.8937281886891871,
      float_1: 0.8297221174109869,
      float_2: 0.9981858153051731,
      float_3: 0.9550674504522813,
    },
    info: { model_based_pick: true },
  });
  assert.deepEqual(run.runs[0], {
    configId: [0, 0, 0],
    budget: 9,
    loss: -5,
    info: { test_loss: -4.5909723873917 },
    error: null,
    timestamps: { submitted: 1795872756.4148872, started: 1795872756.4149575, finished: 1795872756.4182384 },
  });
  assert.equal(run.runs.filter((r) => r.loss === null).length, 0);
  assert.deepEqual(
    [...new Set(run.runs.map((r) => r.budget))].sort((a, b) => a - b),
    [9, 27, 81, 243],
  );
  const space = run.spaceJson as { hyperparameters: Array<{ name: string }> };
  assert.deepEqual(space.hyperparameters.map((h) => h.name).sort(), [
    'cat_0',
    'cat_1',
    'cat_2',
    'cat_3',
    'float_0',
    'float_1',
    'float_2',
    'float_3',
  ]);
});

test('a truncated last line gives a warning and every other line', (t) => {
  const dir = fixtureCopy(t);
  const resultsPath = path.join(dir, 'results.json');
  const text = fs.readFileSync(resultsPath, 'utf8');
  fs.writeFileSync(resultsPath, text.slice(0, text.length - 30)); // cut inside line 130, no newline
  const run = readRunDirectory(dir);
  assert.equal(run.runs.length, 129);
  assert.deepEqual(run.warnings, [`${resultsPath}:130: ignoring a truncated last line (the process was probably killed while writing)`]);

  // The same in configs.json: cut its last line, and drop that configuration's results (a
  // config logged just before the kill has none).
  const other = fixtureCopy(t);
  editLines(path.join(other, 'configs.json'), (lines) => [...lines.slice(0, 91), lines[91].slice(0, 25)]);
  const lastId = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'configs.json'), 'utf8').split('\n')[91])[0].join(', ');
  editLines(path.join(other, 'results.json'), (lines) => lines.filter((line) => !line.startsWith(`[[${lastId}]`)));
  const partial = readRunDirectory(other);
  assert.equal(partial.configs.size, 91);
  assert.equal(partial.warnings.length, 1);
  assert.match(partial.warnings[0], /configs\.json:92: ignoring a truncated last line/);
});

test('an unparsable last line that is not a mere truncation is tolerated too', (t) => {
  const dir = fixtureCopy(t);
  editLines(path.join(dir, 'results.json'), (lines) => [...lines.slice(0, 129), '[[7, 0, 3], 243.0, garbage', '']);
  const run = readRunDirectory(dir);
  assert.equal(run.runs.length, 129);
  assert.equal(run.warnings.length, 1);
  assert.match(run.warnings[0], /results\.json:130: ignoring an unparsable last line/);
});

test('a corrupt line in the middle is an error naming file and line', (t) => {
  const dir = fixtureCopy(t);
  editLines(path.join(dir, 'results.json'), (lines) => {
    lines[40] = lines[40].replace('"loss": ', '"loss": x');
    return lines;
  });
  assertRunLogError(() => readRunDirectory(dir), 'ERR_RUN_LOG_CORRUPT', 'results.json', 41, /not valid JSON/);

  // Two lines glued together (what the logger's repair newline prevents) are corruption too.
  const glued = fixtureCopy(t);
  editLines(path.join(glued, 'results.json'), (lines) => [...lines.slice(0, 9), lines[9].slice(0, 50) + lines[10], ...lines.slice(11)]);
  assertRunLogError(() => readRunDirectory(glued), 'ERR_RUN_LOG_CORRUPT', 'results.json', 10, /not valid JSON/);

  const configs = fixtureCopy(t);
  editLines(path.join(configs, 'configs.json'), (lines) => {
    lines[4] = `${lines[4]} trailing`;
    return lines;
  });
  assertRunLogError(() => readRunDirectory(configs), 'ERR_RUN_LOG_CORRUPT', 'configs.json', 5, /not valid JSON/);
});

test('a truncated line followed by more lines (a resumed crash) is skipped with a warning', (t) => {
  const dir = fixtureCopy(t);
  editLines(path.join(dir, 'results.json'), (lines) => {
    lines[60] = lines[60].slice(0, 77);
    return lines;
  });
  const run = readRunDirectory(dir);
  assert.equal(run.runs.length, 129);
  assert.deepEqual(run.warnings.length, 1);
  assert.match(run.warnings[0], /results\.json:61: ignoring a truncated line/);
});

test('lines of the wrong shape are errors naming the line, even the last one', (t) => {
  const cases: Array<[string, (line: string) => string, RegExp]> = [
    [
      'id of two numbers',
      (line) => line.replace(/^\[\[(\d+), (\d+), (\d+)\]/, '[[$1, $2]'),
      /config id must be \[iteration, stage, index\]/,
    ],
    ['negative id', (line) => line.replace(/^\[\[(\d+),/, '[[-1,'), /config id/],
    ['budget a string', (line) => line.replace(/^(\[\[[^\]]*\]), ([\d.]+)/, '$1, "$2"'), /budget must be a finite number/],
    ['timestamp missing', (line) => line.replace('"started"', '"begun"'), /timestamps\.started must be a number/],
    ['loss a string', (line) => line.replace(/"loss": ([-\d.e]+)/, '"loss": "$1"'), /loss must be a number or null/],
    ['four elements', (line) => line.replace(/, null\]$/, ']'), /a results line must be/],
    ['error a number', (line) => line.replace(/, null\]$/, ', 3]'), /error must be a string or null/],
  ];
  for (const [what, edit, pattern] of cases) {
    for (const lineIndex of [20, 129]) {
      const dir = fixtureCopy(t);
      editLines(path.join(dir, 'results.json'), (lines) => {
        const edited = edit(lines[lineIndex]);
        assert.notEqual(edited, lines[lineIndex], `the edit "${what}" changes the line`);
        lines[lineIndex] = edited;
        return lines;
      });
      assertRunLogError(() => readRunDirectory(dir), 'ERR_RUN_LOG_CORRUPT', 'results.json', lineIndex + 1, pattern);
    }
  }
  const dir = fixtureCopy(t);
  editLines(path.join(dir, 'configs.json'), (lines) => {
    lines[2] = lines[2].replace('"cat_0": 0', '"cat_0": [0]');
    return lines;
  });
  assertRunLogError(
    () => readRunDirectory(dir),
    'ERR_RUN_LOG_CORRUPT',
    'configs.json',
    3,
    /hyperparameter "cat_0" must be a number, string or boolean/,
  );
});

test('a result whose configuration was never logged is an error naming the line', (t) => {
  const dir = fixtureCopy(t);
  editLines(path.join(dir, 'results.json'), (lines) => {
    lines[5] = lines[5].replace(/^\[\[\d+, \d+, \d+\]/, '[[99, 0, 0]');
    return lines;
  });
  assertRunLogError(() => readRunDirectory(dir), 'ERR_RUN_LOG_CORRUPT', 'results.json', 6, /\[99,0,0\].*configs\.json does not hold/);
});

test('a missing directory or configs.json is an error saying so; a missing results.json a warning', (t) => {
  const dir = tempDir(t);
  assertRunLogError(() => readRunDirectory(path.join(dir, 'nope')), 'ERR_RUN_LOG_NOT_FOUND', 'nope', undefined, /no such run directory/);
  assertRunLogError(() => readRunDirectory(dir), 'ERR_RUN_LOG_NOT_FOUND', 'configs.json', undefined, /missing.*no configs\.json/);
  fs.writeFileSync(path.join(dir, 'configs.json'), '[[0, 0, 0], {"x": 1}, {"model_based_pick": false}]\n');
  const run = readRunDirectory(dir);
  assert.equal(run.configs.size, 1);
  assert.deepEqual(run.runs, []);
  assert.equal(run.spaceJson, undefined);
  assert.match(run.warnings[0], /results\.json: missing/);
  fs.writeFileSync(path.join(dir, 'configspace.json'), '{"hyperparameters": [');
  assertRunLogError(() => readRunDirectory(dir), 'ERR_RUN_LOG_CORRUPT', 'configspace.json', undefined, /not valid JSON/);
});

test('Python tokens, old hpbandster config lines, blank lines and CRLF are read', (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(
    path.join(dir, 'configs.json'),
    [
      '[[0, 0, 0], {"x": 1, "s": "NaN, Infinity"}]', // hpbandster before config_info
      '[[0, 0, 1], {"x": 2}, {}]', // hpbandster's RandomSampling logs an empty info
      '',
      '[[0, 0, 2], {"x": 3}, {"model_based_pick": true, "extra": [1, 2]}]\r',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'results.json'),
    [
      '[[0, 0, 0], 1.0, {"submitted": 1.0, "started": 2.0, "finished": 3.0}, {"loss": Infinity, "info": {"v": NaN, "w": -Infinity, "s": "NaN"}}, null]',
      '[[0, 0, 1], 1.0, {"submitted": 1.0, "started": 2.0, "finished": 3.0}, null, "Traceback\\n  boom"]',
      '[[0, 0, 2], 1.0, {"submitted": 1.0, "started": 2.0, "finished": 3.0}, {"loss": 0.5, "info": "not a dict"}, null]',
      '',
    ].join('\n'),
  );
  const run = readRunDirectory(dir);
  assert.deepEqual(run.warnings, []);
  assert.deepEqual(run.configs.get('0-0-0'), {
    configId: [0, 0, 0],
    config: { x: 1, s: 'NaN, Infinity' },
    info: { model_based_pick: false },
  });
  assert.deepEqual(run.configs.get('0-0-1')?.info, { model_based_pick: false });
  assert.deepEqual(run.configs.get('0-0-2')?.info, { model_based_pick: true, extra: [1, 2] });
  // A non-finite loss reads as a failure, its info kept (issue 12).
  assert.equal(run.runs[0].loss, null);
  assert.equal(run.runs[0].error, 'non-finite-loss: the log holds a non-finite loss (Infinity)');
  assert.deepEqual(run.runs[0].info, { v: NaN, w: -Infinity, s: 'NaN' });
  assert.deepEqual([run.runs[1].loss, run.runs[1].info, run.runs[1].error], [null, {}, 'Traceback\n  boom']);
  assert.deepEqual(run.runs[2].info, { value: 'not a dict' });
});
