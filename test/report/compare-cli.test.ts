import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { assertPicture } from './png-checks.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runBandster, tinySegmentationArgs } from '../helpers/cli.js';

test('bandster compare trains default and tuned side by side and writes histories, the three pictures and comparison.html', async (t) => {
  const dir = tempDir(t, 'bandster-compare-');
  const out = path.join(dir, 'out');
  const data = [...tinySegmentationArgs({ data: path.join(dir, 'data'), synthScale: 0.1, maxPatches: 40 }), '--backend', 'wasm'];
  const compare = runBandster([
    'compare',
    ...data,
    '--epochs',
    '2',
    '--pr-epoch',
    '1',
    '--tuned',
    '{"batchsize":4,"learning_rate":0.003}',
    '--out',
    out,
  ]);
  assert.equal(compare.status, 0, compare.stderr);
  assert.match(compare.stdout, /default +\{"batchsize":16\}: validation loss \d\.\d+/);
  assert.match(compare.stdout, /tuned +\{"batchsize":4,"learning_rate":0\.003\}: validation loss/);
  const histories = JSON.parse(fs.readFileSync(path.join(out, 'histories.json'), 'utf8')) as {
    label: string;
    history: { epoch: number }[];
  }[];
  assert.deepEqual(
    histories.map((run) => [run.label, run.history.map((record) => record.epoch)]),
    [
      ['default', [1, 2]],
      ['tuned', [1, 2]],
    ],
  );
  assert.equal(fs.readFileSync(path.join(out, 'histories.csv'), 'utf8').trim().split('\n').length, 1 + 4);
  await assertPicture(path.join(out, 'loss-curves.png'), 1800, 'loss curves');
  await assertPicture(path.join(out, 'precision-recall.png'), 1800, 'precision-recall');
  const html = fs.readFileSync(path.join(out, 'comparison.html'), 'utf8');
  assert.match(html, /loss-curves\.png|data:image\/png;base64/);

  const neither = runBandster(['compare', ...data, '--epochs', '1']);
  assert.equal(neither.status, 2);
  assert.match(neither.stderr, /give exactly one of --run DIR and --tuned JSON/);
  const badJson = runBandster(['compare', ...data, '--tuned', '{batch']);
  assert.equal(badJson.status, 2);
  assert.match(badJson.stderr, /--tuned must be a JSON object of hyperparameters \(got "\{batch"/);
});
