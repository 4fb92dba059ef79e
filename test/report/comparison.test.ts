import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { renderLossCurves, renderPrecisionRecall, selectTopHardPatches, writeComparisonReport } from '../../src/report/index.js';
import { assertPicture } from './png-checks.js';
import { patchItem, syntheticHistories, syntheticPatches, syntheticPrecisionRecall } from './synthetic.js';
import { tempDir } from '../helpers/temp-dir.js';

test('renderLossCurves: both runs on one chart, IoU below; fixed width, not blank', async () => {
  const histories = syntheticHistories();
  const withIou = await assertPicture(await renderLossCurves(histories), 1800, 'loss curves');
  // Without IoU the second panel is left out: a shorter picture.
  const withoutIou = await assertPicture(
    await renderLossCurves(
      histories.map((h) => ({ ...h, epochs: h.epochs.map(({ iou: _, ...rest }) => rest) })),
      { scale: 1 },
    ),
    900,
    'loss curves without IoU',
  );
  assert.ok(withoutIou.height < withIou.height / 2);
  // A diverged epoch is a gap, not an error.
  const diverged = [
    {
      label: 'diverged',
      epochs: [
        { epoch: 1, trainLoss: 1, valLoss: 1 },
        { epoch: 2, trainLoss: Number.NaN, valLoss: Infinity },
        { epoch: 3, trainLoss: 0.5, valLoss: 0.6 },
      ],
    },
  ];
  await assertPicture(await renderLossCurves(diverged, { scale: 1 }), 900, 'diverged');
  await assert.rejects(renderLossCurves([]), { code: 'ERR_INVALID_OPTION' });
  await assert.rejects(renderLossCurves([{ label: 'a', epochs: [] }]), {
    code: 'ERR_INVALID_OPTION',
    message: /histories\[0\]\.epochs must be a non-empty array/,
  });
  await assert.rejects(renderLossCurves([histories[0], histories[0]]), { code: 'ERR_INVALID_OPTION', message: /two runs labelled/ });
});

test('renderPrecisionRecall: averaged panel and one small chart per class; fixed width, not blank', async () => {
  const curves = syntheticPrecisionRecall();
  await assertPicture(await renderPrecisionRecall(curves), 1800, 'precision–recall');
  await assertPicture(await renderPrecisionRecall(curves.slice(0, 1), { width: 700, scale: 1 }), 700, 'one run');
  await assert.rejects(renderPrecisionRecall([{ ...curves[0], mean: { precision: [1, 0.5], recall: [0] } }]), {
    code: 'ERR_INVALID_OPTION',
    message: /curves\[0\]\.mean: precision has 2 values but recall has 1/,
  });
});

test('writeComparisonReport: the PNGs and comparison.html embedding them', async (t) => {
  const dir = tempDir(t, 'bandster-comparison-');
  const size = 24;
  const batch = syntheticPatches(30, size);
  const chosen = selectTopHardPatches(batch.accuracy, batch.labels, size);
  assert.ok(chosen.length > 0);
  for (let i = 1; i < chosen.length; i++) assert.ok(batch.accuracy[chosen[i - 1]] <= batch.accuracy[chosen[i]], 'increasing accuracy');
  const written = await writeComparisonReport(dir, {
    histories: syntheticHistories(40),
    precisionRecall: syntheticPrecisionRecall(),
    hardImages: [
      { label: 'tuned', items: chosen.map((n) => patchItem(batch, n, size)) },
      { label: 'default', items: [] },
    ],
    scale: 1,
  });
  assert.deepEqual(
    written.pictures.map((picture) => path.basename(picture.file)),
    ['loss-curves.png', 'precision-recall.png', 'hard-images-tuned.png'],
  );
  for (const picture of written.pictures) await assertPicture(picture.file, 900, picture.title);
  const html = fs.readFileSync(written.html, 'utf8');
  assert.equal(path.basename(written.html), 'comparison.html');
  assert.equal(html.match(/<img src="data:image\/png;base64,/g)?.length, 3);
  assert.match(html, /Hard patches: default<\/h2>\n<p class="note">No hard patch to show/);
});
