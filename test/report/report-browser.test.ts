import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { Result } from '../../src/core/result.js';
import { pngSize, writeComparisonReport, writeSearchReport } from '../../src/report/index.js';
import { CHROMIUM, CHROMIUM_ARGS, chromiumSkip } from '../helpers/chromium.js';
import { HPBANDSTER_RUN } from '../helpers/fixtures.js';
import { syntheticHistories, syntheticPrecisionRecall } from './synthetic.js';
import { tempDir } from '../helpers/temp-dir.js';

const skip = chromiumSkip('open the reports in a real browser');

/** Opens `html` in headless Chromium and checks every image as the browser decoded it. */
async function checkPage(context: BrowserContext, html: string): Promise<void> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url().slice(0, 80)}`));
  await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
  // Evaluated in the page (a string: this project's TypeScript has no DOM types).
  const images = (await page.evaluate(
    '[...document.images].map((image) => ({ file: image.dataset.file ?? "", complete: image.complete, naturalWidth: image.naturalWidth, naturalHeight: image.naturalHeight, shown: image.getBoundingClientRect().width }))',
  )) as { file: string; complete: boolean; naturalWidth: number; naturalHeight: number; shown: number }[];
  assert.deepEqual(problems, [], `${path.basename(html)} loads cleanly`);
  const files = fs
    .readdirSync(path.dirname(html))
    .filter((file) => file.endsWith('.png'))
    .sort();
  assert.deepEqual(images.map((image) => image.file).sort(), files, `${path.basename(html)}: one <img> per PNG`);
  for (const image of images) {
    const size = pngSize(fs.readFileSync(path.join(path.dirname(html), image.file)));
    assert.ok(image.complete, `${image.file} complete`);
    assert.equal(image.naturalWidth, size.width, `${image.file}: naturalWidth`);
    assert.equal(image.naturalHeight, size.height, `${image.file}: naturalHeight`);
    assert.ok(image.shown > 0, `${image.file} laid out`);
  }
  await page.close();
}

test('the reports open in headless Chromium without errors, every picture decoded at its PNG size', {
  skip,
  timeout: 60_000,
}, async (t) => {
  const dir = tempDir(t, 'bandster-browser-');
  const search = await writeSearchReport(Result.fromDirectory(HPBANDSTER_RUN), path.join(dir, 'search'), {
    source: HPBANDSTER_RUN,
    scale: 1.5,
  });
  const comparison = await writeComparisonReport(path.join(dir, 'comparison'), {
    histories: syntheticHistories(30),
    precisionRecall: syntheticPrecisionRecall(),
  });
  const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    offline: true,
  });
  try {
    await checkPage(context, search.html);
    await checkPage(context, comparison.html);
  } finally {
    await context.close();
  }
});
