import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fixturePath, HPBANDSTER_RUN } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';
import { REPO_ROOT, runBandster, smallRunArgs } from '../helpers/cli.js';

const objective = fileURLToPath(new URL('./fixtures/objective.ts', import.meta.url));

test('bandster run: ConfigSpace JSON + TypeScript objective, JSON result, hpbandster logs; refuses to overwrite; --resume runs nothing twice', (t) => {
  const dir = tempDir(t);
  const logDir = path.join(dir, 'run');
  const calls = path.join(dir, 'calls');
  const args = [
    ...smallRunArgs({ space: fixturePath('configspace/v1.2/study.json'), objective }),
    '--iterations',
    '4',
    '--seed',
    '3',
    '--log-dir',
    logDir,
  ];
  const first = runBandster([...args, '--json'], { env: { BANDSTER_TEST_CALLS: calls } });
  assert.equal(first.status, 0, first.stderr);
  const result = JSON.parse(first.stdout);
  assert.equal(result.runs.length, 13 + 4 + 3 + 13);
  assert.ok(result.incumbent.loss < 1);
  for (const file of ['configs.json', 'results.json', 'configspace.json', 'run.json'])
    assert.ok(fs.existsSync(path.join(logDir, file)), file);
  const callsAfterFirst = fs.readFileSync(calls, 'utf8').split('\n').filter(Boolean).length;
  assert.equal(callsAfterFirst, 33);

  const again = runBandster(args);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /error: .*(configs|results)\.json/);

  const resumed = runBandster([...args, '--resume', '--iterations', '5', '--json'], { env: { BANDSTER_TEST_CALLS: calls } });
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.equal(JSON.parse(resumed.stdout).runs.length, 33 + 4);
  assert.equal(fs.readFileSync(calls, 'utf8').split('\n').filter(Boolean).length, callsAfterFirst + 4, 'only the new iteration ran');
});

test('bandster summary reads hpbandster’s own run and reports what hpbandster reports', () => {
  const summary = runBandster(['summary', HPBANDSTER_RUN, '--json']);
  assert.equal(summary.status, 0, summary.stderr);
  assert.deepEqual(JSON.parse(summary.stdout), JSON.parse(fs.readFileSync(path.join(HPBANDSTER_RUN, 'expected_summary.json'), 'utf8')));
  const text = runBandster(['summary', HPBANDSTER_RUN]);
  assert.match(text.stdout, /incumbent 7-0-3: loss -6\.699588477366255 at budget 243/);
});

test('bad flags and files are errors that name the flag and the value', (t) => {
  const dir = tempDir(t);
  const eta = runBandster([...smallRunArgs({ space: 'x.json', objective }), '--eta', 'fast']);
  assert.notEqual(eta.status, 0);
  assert.match(eta.stderr, /--eta must be a number \(got "fast"\)/);
  const missing = runBandster(smallRunArgs({ space: path.join(dir, 'nope.json'), objective }));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--space .*nope\.json: no such file/);
  const noCompute = path.join(dir, 'bad.mjs');
  fs.writeFileSync(noCompute, 'export const x = 1;\n');
  const bad = runBandster([
    ...smallRunArgs({ space: fixturePath('configspace/v0.4/study.json'), objective: noCompute }),
    '--log-dir',
    path.join(dir, 'r'),
  ]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /must export a function compute\(config, budget, ctx\) \(found exports: x\)/);
});

test('bandster demo runs the counting-ones search and prints the incumbent and where the logs are', (t) => {
  const logDir = path.join(tempDir(t), 'demo');
  const demo = runBandster(['demo', '--iterations', '3', '--log-dir', logDir]);
  assert.equal(demo.status, 0, demo.stderr);
  assert.match(demo.stdout, /incumbent \d+-\d+-\d+: loss -\d/);
  assert.match(demo.stdout, /normalised regret 0\.\d+/);
  assert.ok(demo.stdout.includes(logDir));
  assert.ok(fs.statSync(path.join(logDir, 'results.json')).size > 0);
});

test('a TypeScript objective outside any "type": "module" package loads', (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(
    path.join(dir, 'objective.ts'),
    'export function compute(config: { batchsize: number }, budget: number): number {\n  return config.batchsize / budget;\n}\n',
  );
  const run = runBandster([
    ...smallRunArgs({ space: fixturePath('configspace/v0.4/study.json'), objective: path.join(dir, 'objective.ts') }),
    '--iterations',
    '1',
    '--seed',
    '1',
    '--log-dir',
    path.join(dir, 'run'),
    '--json',
  ]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).runs.length, 13);
});

test("the README's example: bandster run with examples/space.json and examples/objective.ts", (t) => {
  const dir = tempDir(t);
  const example = (name: string): string => path.join(REPO_ROOT, 'examples', name);
  const run = runBandster([
    'run',
    '--space',
    example('space.json'),
    '--objective',
    example('objective.ts'),
    '--min-budget',
    '1',
    '--max-budget',
    '27',
    '--iterations',
    '2',
    '--seed',
    '1',
    '--log-dir',
    path.join(dir, 'example'),
    '--json',
  ]);
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout) as { nFailed: number; incumbent: { config: Record<string, unknown>; budget: number } };
  assert.equal(result.nFailed, 0);
  assert.equal(result.incumbent.budget, 27);
  assert.ok(['adam', 'sgd'].includes(result.incumbent.config.optimizer as string));
});
