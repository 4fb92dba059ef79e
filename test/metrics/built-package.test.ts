import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const built = existsSync(fileURLToPath(new URL('../../dist/src/index.js', import.meta.url)));

// `npm ci` runs `prepare`, which builds dist/: the published entry points must work from there
// too (the addon lives one level further from dist/src/metrics than from src/metrics).
test('the built entry points load and find the native addon', {
  skip: built ? false : 'dist/ is not built here (npm run build)',
}, async () => {
  const metrics = (await import('bandster/metrics')) as typeof import('../../src/metrics/index.js');
  const histogram = metrics.classHistogram(new Uint8Array([0, 1, 1, 2]), { images: 1, height: 2, width: 2, classes: 3 });
  assert.deepEqual(Array.from(histogram.total), [1, 2, 1]);
  const core = (await import('bandster')) as typeof import('../../src/index.js');
  assert.equal(typeof core.Search, 'function');
  const segmentation = (await import('bandster/segmentation')) as typeof import('../../src/segmentation/index.js');
  assert.equal(segmentation.CLASSES.length, 6);
});
