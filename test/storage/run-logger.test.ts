import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { RunLogError } from '../../src/storage/run-log-error.js';
import type { ConfigId, ConfigInfo, Configuration, Run } from '../../src/core/types.js';
import { RunLogger } from '../../src/storage/run-logger.js';
import { readRunDirectory } from '../../src/storage/run-reader.js';
import { HPBANDSTER_RUN } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';
import { REPO_ROOT } from '../helpers/cli.js';

const FIXTURE = HPBANDSTER_RUN;
const HERE = path.dirname(fileURLToPath(import.meta.url));

function lines(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
}

function run(configId: ConfigId, budget: number, loss: number | null, extra: Partial<Run> = {}): Run {
  return {
    configId,
    budget,
    loss,
    info: loss === null ? {} : { accuracy: 0.5 },
    error: loss === null ? 'Traceback: it broke' : null,
    timestamps: { submitted: 1700000000.25, started: 1700000001.5, finished: 1700000002 },
    ...extra,
  };
}

test('lines logged from fixture values are byte-identical to what hpbandster wrote', (t) => {
  const dir = tempDir(t);
  const logger = RunLogger.open(dir, { mode: 'new' });
  const configLines = lines(path.join(FIXTURE, 'configs.json'));
  const resultLines = lines(path.join(FIXTURE, 'results.json'));
  for (const line of configLines) {
    const [configId, config, info] = JSON.parse(line);
    logger.logConfig(configId, config, info);
  }
  for (const line of resultLines) {
    const [configId, budget, timestamps, result, error] = JSON.parse(line);
    logger.logResult({ configId, budget, timestamps, error, loss: result?.loss ?? null, info: result?.info ?? {} });
  }
  logger.close();
  assert.deepEqual(lines(path.join(dir, 'configs.json')), configLines);
  assert.deepEqual(lines(path.join(dir, 'results.json')), resultLines);
  // Whole files, bytes included (one line per entry, newline-terminated).
  assert.ok(fs.readFileSync(path.join(dir, 'results.json')).equals(fs.readFileSync(path.join(FIXTURE, 'results.json'))));
  assert.ok(fs.readFileSync(path.join(dir, 'configs.json')).equals(fs.readFileSync(path.join(FIXTURE, 'configs.json'))));
});

test('floats fields, failed runs and non-finite info are written as Python writes them', (t) => {
  const dir = tempDir(t);
  const logger = RunLogger.open(dir, { mode: 'new' });
  logger.logConfig([1, 2, 3], { lr: 0.001, layers: 4, act: 'relu', bn: true }, { model_based_pick: true });
  logger.logResult(run([1, 2, 3], 9, -5, { info: { n: NaN, big: Infinity, small: -Infinity, epochs: 3 } }));
  logger.logResult(run([1, 2, 3], 27, null, { error: 'Traceback (most recent call last):\n  "x"' }));
  logger.close();
  assert.deepEqual(lines(path.join(dir, 'configs.json')), [
    '[[1, 2, 3], {"lr": 0.001, "layers": 4, "act": "relu", "bn": true}, {"model_based_pick": true}]',
  ]);
  assert.deepEqual(lines(path.join(dir, 'results.json')), [
    '[[1, 2, 3], 9.0, {"submitted": 1700000000.25, "started": 1700000001.5, "finished": 1700000002.0}, {"loss": -5.0, "info": {"n": NaN, "big": Infinity, "small": -Infinity, "epochs": 3}}, null]',
    '[[1, 2, 3], 27.0, {"submitted": 1700000000.25, "started": 1700000001.5, "finished": 1700000002.0}, null, "Traceback (most recent call last):\\n  \\"x\\""]',
  ]);
});

test('a run written with RunLogger reads back with the same configs and runs', (t) => {
  const dir = tempDir(t);
  const logger = RunLogger.open(dir, { mode: 'new' });
  const configs: Array<{ configId: ConfigId; config: Configuration; info: ConfigInfo }> = [
    { configId: [0, 0, 0] as const, config: { lr: 0.01, depth: 3, act: 'tanh', bn: false }, info: { model_based_pick: false } },
    { configId: [0, 0, 1] as const, config: { lr: 1e-5, depth: 5, act: 'ré,"lu"' }, info: { model_based_pick: true, bandwidth: [0.5, 1] } },
  ];
  const runs: Run[] = [
    run([0, 0, 0], 3.3333333333333335, 0.25, { info: { curve: [1, 0.5], nan: NaN, note: '😀' } }),
    run([0, 0, 1], 3.3333333333333335, null),
    run([0, 0, 0], 10, Infinity, { info: {} }),
  ];
  for (const entry of configs) logger.logConfig(entry.configId, entry.config, entry.info);
  for (const r of runs) logger.logResult(r);
  logger.writeSpace('{"hyperparameters": []}');
  logger.close();

  const read = readRunDirectory(dir);
  assert.deepEqual(read.warnings, []);
  assert.deepEqual([...read.configs.keys()], ['0-0-0', '0-0-1']);
  assert.deepEqual([...read.configs.values()], configs);
  // The Infinity loss is written as Python writes it and read back as a failure (issue 12).
  assert.deepEqual(read.runs, [
    ...runs.slice(0, 2),
    { ...runs[2], loss: null, error: 'non-finite-loss: the log holds a non-finite loss (Infinity)' },
  ]);
  assert.match(fs.readFileSync(path.join(dir, 'results.json'), 'utf8'), /\{"loss": Infinity, "info": \{\}\}/);
  assert.deepEqual(read.spaceJson, { hyperparameters: [] });
});

test("mode 'new' refuses a directory holding a run and leaves its files untouched", (t) => {
  const dir = tempDir(t);
  const logger = RunLogger.open(dir, { mode: 'new' });
  logger.logConfig([0, 0, 0], { x: 1 }, { model_based_pick: false });
  logger.logResult(run([0, 0, 0], 1, 0.5));
  logger.writeSpace('{"a": 1}');
  logger.close();
  const before = ['configs.json', 'results.json', 'configspace.json'].map((name) => fs.readFileSync(path.join(dir, name)));

  assert.throws(
    () => RunLogger.open(dir, { mode: 'new' }),
    (error: unknown) =>
      error instanceof RunLogError && error.code === 'ERR_RUN_LOG_EXISTS' && error.file === path.join(dir, 'configs.json'),
  );
  const after = ['configs.json', 'results.json', 'configspace.json'].map((name) => fs.readFileSync(path.join(dir, name)));
  assert.deepEqual(after, before);

  // Only results.json non-empty: that is the file named.
  const other = tempDir(t);
  fs.writeFileSync(path.join(other, 'results.json'), '[[0, 0, 0], 1.0, {}, null, null]\n');
  assert.throws(
    () => RunLogger.open(other, { mode: 'new' }),
    (error: unknown) => error instanceof RunLogError && error.code === 'ERR_RUN_LOG_EXISTS' && error.file.endsWith('results.json'),
  );
  assert.equal(fs.existsSync(path.join(other, 'configs.json')), false);

  // Empty files are not a run.
  const empty = tempDir(t);
  fs.writeFileSync(path.join(empty, 'configs.json'), '');
  RunLogger.open(empty, { mode: 'new' }).close();
});

test("mode 'overwrite' empties the files; mode 'append' keeps them and adds after them", (t) => {
  const dir = path.join(tempDir(t), 'nested', 'run'); // created on open
  let logger = RunLogger.open(dir, { mode: 'new' });
  logger.logConfig([0, 0, 0], { x: 1 }, { model_based_pick: false });
  logger.logResult(run([0, 0, 0], 1, 0.5));
  logger.writeSpace('{"old": true}');
  logger.close();
  const configsBefore = fs.readFileSync(path.join(dir, 'configs.json'), 'utf8');
  const resultsBefore = fs.readFileSync(path.join(dir, 'results.json'), 'utf8');

  logger = RunLogger.open(dir, { mode: 'append' });
  logger.logConfig([1, 0, 0], { x: 2 }, { model_based_pick: true });
  logger.logResult(run([1, 0, 0], 1, 0.25));
  logger.close();
  assert.equal(
    fs.readFileSync(path.join(dir, 'configs.json'), 'utf8'),
    `${configsBefore}[[1, 0, 0], {"x": 2}, {"model_based_pick": true}]\n`,
  );
  assert.ok(fs.readFileSync(path.join(dir, 'results.json'), 'utf8').startsWith(resultsBefore));
  assert.equal(readRunDirectory(dir).runs.length, 2);

  logger = RunLogger.open(dir, { mode: 'overwrite' });
  assert.equal(fs.readFileSync(path.join(dir, 'configs.json'), 'utf8'), '');
  assert.equal(fs.readFileSync(path.join(dir, 'results.json'), 'utf8'), '');
  assert.equal(fs.existsSync(path.join(dir, 'configspace.json')), false, "the previous run's space is removed");
  logger.logConfig([0, 0, 0], { x: 3 }, { model_based_pick: false });
  logger.close();
  assert.deepEqual(lines(path.join(dir, 'configs.json')), ['[[0, 0, 0], {"x": 3}, {"model_based_pick": false}]']);
});

test('writeSpace replaces configspace.json through a temporary file', (t) => {
  const dir = tempDir(t);
  const logger = RunLogger.open(dir, { mode: 'new' });
  logger.writeSpace('{"v": 1}');
  logger.writeSpace('{"v": 2}');
  logger.close();
  assert.equal(fs.readFileSync(path.join(dir, 'configspace.json'), 'utf8'), '{"v": 2}');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['configs.json', 'configspace.json', 'results.json'], 'no temporary file left');
});

test('crash mid-line, then resume in append mode: the cut line is gone and every line reads', (t) => {
  const dir = tempDir(t);
  let logger = RunLogger.open(dir, { mode: 'new' });
  for (let i = 0; i < 3; i++) {
    logger.logConfig([0, 0, i], { x: i }, { model_based_pick: false });
    logger.logResult(run([0, 0, i], 1, i));
  }
  logger.close();
  // Cut results.json in the middle of its third line, as a kill -9 during the write would.
  const resultsPath = path.join(dir, 'results.json');
  const size = fs.statSync(resultsPath).size;
  fs.truncateSync(resultsPath, size - 40);

  logger = RunLogger.open(dir, { mode: 'append' });
  logger.logConfig([1, 0, 0], { x: 10 }, { model_based_pick: true });
  logger.logResult(run([0, 0, 2], 1, 2)); // the lost result, run again
  logger.logResult(run([1, 0, 0], 1, 10));
  logger.close();

  const raw = fs.readFileSync(resultsPath, 'utf8').split('\n');
  // Reopening removed the cut line (issue 12): only complete lines, for line-by-line readers.
  assert.equal(raw.length, 5, 'two complete lines, the two new ones, and the final empty piece');
  assert.ok(raw[2].startsWith('[[0, 0, 2], 1.0'), 'the new line is not glued to the cut one');

  const read = readRunDirectory(dir);
  assert.deepEqual(
    read.runs.map((r) => [r.configId.join('-'), r.loss]),
    [
      ['0-0-0', 0],
      ['0-0-1', 1],
      ['0-0-2', 2],
      ['1-0-0', 10],
    ],
  );
  assert.equal(read.configs.size, 4);
  assert.deepEqual(read.warnings, [], 'nothing cut is left to skip');
});

test('kill -9 while logging in a tight loop loses at most the line being written', { timeout: 30_000 }, async (t) => {
  const dir = tempDir(t);
  const script = path.join(HERE, 'fixtures', 'log-forever.ts');

  /** Runs the child until killed; resolves to the largest result count it reported as logged. */
  async function logThenKill(mode: string, iterationOffset: number): Promise<number> {
    const child = spawn(process.execPath, ['--import', 'tsx', script, dir, mode, String(iterationOffset)], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Kill it mid-stream once it has logged a few thousand results (an event, not a fixed time).
    const loggedEnough = await new Promise<boolean>((resolve) => {
      child.stdout.on('data', () => /logged [3-9]\d{3}\n|logged \d{5,}\n/.test(stdout) && resolve(true));
      void exited.then(() => resolve(false));
    });
    assert.ok(loggedEnough, `the child did not log for long: ${stderr}`);
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    return Math.max(0, ...[...stdout.matchAll(/logged (\d+)\n/g)].map((match) => Number(match[1])));
  }

  const names = ['configs.json', 'results.json'];
  const read = (name: string): string => fs.readFileSync(path.join(dir, name), 'utf8');

  /** Every piece of `text` before its last newline is a complete line that parses. */
  function assertCompleteLines(name: string, text: string): void {
    const pieces = text.split('\n');
    assert.ok(pieces.length > 1, `${name} has complete lines`);
    pieces.slice(0, -1).forEach((line, i) => assert.doesNotThrow(() => JSON.parse(line), `${name}: line ${i + 1} of the session parses`));
  }

  const reportedFirst = await logThenKill('new', 0);
  const firstTexts = names.map(read);
  names.forEach((name, i) => assertCompleteLines(name, firstTexts[i]));
  const first = readRunDirectory(dir);
  assert.ok(reportedFirst >= 1000, 'the child logged for a while');
  assert.ok(
    first.runs.length >= reportedFirst,
    `every result logged before the last report is in the file (${first.runs.length} < ${reportedFirst})`,
  );
  assert.ok(first.configs.size - first.runs.length <= 1, 'each result follows its config: at most one config without a result');
  assert.ok(first.warnings.length <= 2, first.warnings.join('\n'));
  for (const warning of first.warnings) assert.match(warning, /ignoring a truncated last line/);

  // Resume after the crash, get killed again: the first session's lines are kept byte for byte,
  // a cut line of the first session is ended by the repair newline, and the directory still reads.
  const reportedSecond = await logThenKill('append', 1_000_000);
  names.forEach((name, i) => {
    const text = read(name);
    assert.ok(text.startsWith(firstTexts[i]), `${name} keeps the first session's bytes`);
    let appended = text.slice(firstTexts[i].length);
    if (!firstTexts[i].endsWith('\n')) {
      assert.ok(appended.startsWith('\n'), `${name}: the cut line was ended before appending`);
      appended = appended.slice(1);
    }
    assertCompleteLines(name, appended);
  });
  const second = readRunDirectory(dir);
  assert.ok(second.runs.length - first.runs.length >= reportedSecond);
  assert.equal(second.runs.filter((r) => r.configId[0] < 1_000_000).length, first.runs.length, "the first session's runs are all there");
  assert.ok(second.warnings.length <= 4, second.warnings.join('\n'));
  for (const warning of second.warnings) assert.match(warning, /ignoring a truncated/);
  t.diagnostic(
    `first session: ${first.runs.length} runs (${reportedFirst} reported), ${first.warnings.length} warnings; both: ${second.runs.length} runs, ${second.warnings.length} warnings`,
  );
});

test('invalid options and a closed logger are reported', (t) => {
  const dir = tempDir(t);
  assert.throws(() => RunLogger.open(dir, { mode: 'replace' as 'new' }), {
    code: 'ERR_INVALID_OPTION',
    message: /options\.mode must be 'new', 'overwrite' or 'append' \(got "replace"\)/,
  });
  const logger = RunLogger.open(dir, { mode: 'new' });
  assert.throws(() => logger.logConfig([0, -1, 0], {}, { model_based_pick: false }), { code: 'ERR_INVALID_OPTION', message: /configId/ });
  assert.throws(() => logger.logResult(run([0, 0.5, 0] as unknown as ConfigId, 1, 1)), {
    code: 'ERR_INVALID_OPTION',
    message: /run\.configId/,
  });
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  assert.throws(
    () => logger.logResult(run([0, 0, 0], 1, 1, { info: circular })),
    (error: unknown) => error instanceof RunLogError && error.code === 'ERR_RUN_LOG_UNSERIALISABLE' && error.file.endsWith('results.json'),
  );
  logger.close();
  logger.close(); // idempotent
  assert.throws(() => logger.logConfig([0, 0, 0], {}, { model_based_pick: false }), { code: 'ERR_RUN_LOG_CLOSED' });
  assert.equal(fs.readFileSync(path.join(dir, 'results.json'), 'utf8'), '', 'nothing half-written');
});

test('a write error is a RunLogError naming the file', (t) => {
  const dir = tempDir(t);
  const logger = RunLogger.open(dir, { mode: 'new' });
  t.after(() => logger.close());
  logger.logConfig([0, 0, 0], { x: 1 }, { model_based_pick: false });
  // The log is never written through a link (to /dev/full, say), so the failing write is made by
  // swapping the descriptor for a read-only one: write(2) answers EBADF, as a full disk answers ENOSPC.
  const internals = logger as unknown as { resultsFd: number };
  fs.closeSync(internals.resultsFd);
  internals.resultsFd = fs.openSync(path.join(dir, 'configs.json'), 'r');
  assert.throws(
    () => logger.logResult(run([0, 0, 0], 1, 1)),
    (error: unknown) =>
      error instanceof RunLogError &&
      error.code === 'ERR_RUN_LOG_IO' &&
      error.file === path.join(dir, 'results.json') &&
      (error.cause as NodeJS.ErrnoException).code === 'EBADF',
  );
});

test('a file that cannot be opened is a RunLogError naming it', (t) => {
  const dir = tempDir(t);
  fs.mkdirSync(path.join(dir, 'configs.json'));
  assert.throws(
    () => RunLogger.open(dir, { mode: 'append' }),
    (error: unknown) => error instanceof RunLogError && error.code === 'ERR_RUN_LOG_IO' && error.file === path.join(dir, 'configs.json'),
  );
});
