import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/temp-dir.js';
import { runBandster } from '../helpers/cli.js';

test('bandster dataset synth writes a dataset; dataset info --json reports tiles, patches and class pixels; problems exit 2 naming each file', (t) => {
  const dir = tempDir(t, 'bandster-dataset-cli-');
  const data = path.join(dir, 'data');

  const synth = runBandster(['dataset', 'synth', '--out', data, '--tiles', '3', '--seed', '2', '--scale', '0.1', '--images-per-tile', '2']);
  assert.equal(synth.status, 0, synth.stderr);
  assert.match(synth.stdout, /wrote 6 images in 3 tiles to .*data/);
  assert.ok(fs.existsSync(path.join(data, 'Tile 3', 'masks', 'image_part_002.png')));
  const again = runBandster(['dataset', 'synth', '--out', data, '--seed', '2']);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /error: .*data: folder is not empty/);

  const info = runBandster(['dataset', 'info', data, '--patch', '16', '--json']);
  assert.equal(info.status, 0, info.stderr);
  const report = JSON.parse(info.stdout);
  assert.deepEqual(
    report.tiles.map((tile: { name: string; images: number }) => [tile.name, tile.images]),
    [
      ['Tile 1', 2],
      ['Tile 2', 2],
      ['Tile 3', 2],
    ],
  );
  // Tile sizes at scale 0.1: 80×64, 51×54, 68×66 -> 5·4, 3·3, 4·4 patches of 16.
  assert.deepEqual(
    report.tiles.map((tile: { patches: number }) => tile.patches),
    [40, 18, 32],
  );
  assert.equal(report.totalPatches, 90);
  assert.equal(
    report.pixelsPerClass.reduce((sum: number, count: number) => sum + count, 0),
    2 * (80 * 64 + 51 * 54 + 68 * 66),
  );
  assert.deepEqual(report.problems, []);

  const text = runBandster(['dataset', 'info', data, '--patch', '16']);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /3 tiles, 6 images, 90 patches of 16×16/);
  assert.match(text.stdout, /Tile 2 +2 images +18 patches +51×54/);
  for (const name of ['Building', 'Land', 'Road', 'Vegetation', 'Water', 'Unlabeled'])
    assert.match(text.stdout, new RegExp(`\\d ${name} +\\d+`));
  assert.match(text.stdout, /no problems/);

  // At 60 px, Tile 2's 51×54 images hold no patch: a problem, not a silent empty tile.
  const large = runBandster(['dataset', 'info', data, '--patch', '60', '--json']);
  assert.equal(large.status, 2);
  const largeReport = JSON.parse(large.stdout);
  assert.deepEqual(
    largeReport.problems.map((problem: { code: string; file: string }) => [problem.code, path.basename(problem.file)]),
    [['ERR_DATASET_TILE_NO_PATCHES', 'Tile 2']],
  );

  fs.rmSync(path.join(data, 'Tile 2', 'masks', 'image_part_001.png'));
  fs.writeFileSync(path.join(data, 'Tile 3', 'images', 'image_part_002.jpg'), 'broken');
  const bad = runBandster(['dataset', 'info', data, '--patch', '16', '--json']);
  assert.equal(bad.status, 2);
  assert.equal(JSON.parse(bad.stdout).problems.length, 2);
  assert.match(bad.stderr, /Tile 2.images.image_part_001\.jpg: image without a mask/);
  assert.match(bad.stderr, /Tile 3.images.image_part_002\.jpg: cannot be read as an image/);
  assert.match(bad.stderr, /2 problems in /);
  const badText = runBandster(['dataset', 'info', data, '--patch', '16']);
  assert.equal(badText.status, 2);
  assert.match(
    badText.stdout,
    /2 problems:\n.*Tile 2.images.image_part_001\.jpg: image without a mask.*\n.*Tile 3.images.image_part_002\.jpg/,
  );

  const flag = runBandster(['dataset', 'info', data, '--patch', 'big']);
  assert.notEqual(flag.status, 0);
  assert.match(flag.stderr, /--patch must be an integer \(got "big"\)/);
});
