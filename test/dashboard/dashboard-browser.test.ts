import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { createDashboardServer } from '../../src/dashboard/dashboard-server.js';
import { CHROMIUM, CHROMIUM_ARGS, chromiumSkip } from '../helpers/chromium.js';
import { HPBANDSTER_RUN } from '../helpers/fixtures.js';
import { call, lossOf, SMALL_STUDY, startServer } from '../service/service-helpers.js';

const skip = chromiumSkip('open the live dashboard in a real browser');

/**
 * A headless Chromium that may reach this machine's loopback only: any other request (a CDN, a
 * web font) is aborted and reported, so a page that passes works offline.
 */
async function browser(t: { after: (fn: () => unknown) => void }): Promise<{ context: BrowserContext; outside: string[] }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'bandster-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  t.after(async () => {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  });
  const outside: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.protocol === 'data:') return route.continue();
    outside.push(url.href);
    return route.abort();
  });
  return { context, outside };
}

/** Opens `url`, collecting console errors, page errors and failed requests. */
async function open(context: BrowserContext, url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    // The event stream is cut when the page closes; that is not a failure of the page.
    if (!request.url().endsWith('/events')) problems.push(`request failed: ${request.url().slice(0, 120)}`);
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems };
}

test('a study’s live page loads with no console errors and shows a result told while it is open', { skip, timeout: 90_000 }, async (t) => {
  const { url } = await startServer(t);
  await call(url, 'POST', '/api/studies', { name: 'live', ...SMALL_STUDY });
  for (let i = 0; i < 3; i++) {
    const { job } = (await call(url, 'POST', '/api/studies/live/ask', {})).body;
    await call(url, 'POST', '/api/studies/live/tell', { configId: job.configId, budget: job.budget, loss: lossOf(job) });
  }
  const pending = (await call(url, 'POST', '/api/studies/live/ask', {})).body.job;
  const { context, outside } = await browser(t);
  const { page, problems } = await open(context, `${url}/studies/live/`);
  await page.waitForSelector('body[data-runs="3"]');
  await page.waitForSelector('#connection[data-state="live"]');
  const key = `${pending.configId.join('-')}@${pending.budget}`;
  await page.waitForSelector(`#running tr[data-job="${key}"]`);
  // Both charts drew (vega, served by bandster).
  await page.waitForSelector('#trajectory-chart svg');
  await page.waitForSelector('#losses-chart svg');

  await call(url, 'POST', '/api/studies/live/tell', { configId: pending.configId, budget: pending.budget, loss: 0.0001 });
  await page.waitForSelector(`#results tr[data-run="${key}"]`);
  await page.waitForSelector('body[data-runs="4"]');
  assert.equal(await page.locator(`#running tr[data-job="${key}"]`).count(), 0, 'no longer running');
  const bestFirst = await page.locator('#best tbody tr').first().getAttribute('data-config');
  assert.ok(bestFirst, 'the best configurations are listed');
  assert.match((await page.textContent('#status')) ?? '', /4 results of 13 planned/);
  assert.deepEqual(problems, []);
  assert.deepEqual(outside, [], 'nothing is fetched from outside this machine');
  await page.close();
});

test('bandster dashboard follows an hpbandster run directory as lines are appended', { skip, timeout: 90_000 }, async (t) => {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bandster-dashboard-')), 'hpbandster-run');
  t.after(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));
  fs.mkdirSync(dir);
  for (const file of ['configs.json', 'results.json', 'configspace.json'])
    fs.copyFileSync(path.join(HPBANDSTER_RUN, file), path.join(dir, file));
  const lines = fs.readFileSync(path.join(dir, 'results.json'), 'utf8').split('\n').filter(Boolean);
  const server = await createDashboardServer({ dir, pollMs: 100 });
  const url = await server.listen('127.0.0.1', 0);
  t.after(() => server.close());
  const { context, outside } = await browser(t);
  const { page, problems } = await open(context, `${url}${server.pagePath}`);
  await page.waitForSelector(`body[data-runs="${lines.length}"]`);
  const now = Date.now() / 1000;
  const appended = lines[0]
    .replace(/^\[\[(\d+), (\d+), (\d+)\], [\d.]+,/, '[[$1, $2, $3], 2187.0,')
    .replace(/"finished": [\d.]+/, `"finished": ${now}`);
  fs.appendFileSync(path.join(dir, 'results.json'), `${appended}\n`);
  const configId = /^\[\[(\d+), (\d+), (\d+)\]/.exec(lines[0])!.slice(1).join('-');
  await page.waitForSelector(`#results tr[data-run="${configId}@2187"]`);
  await page.waitForSelector(`body[data-runs="${lines.length + 1}"]`);
  assert.deepEqual(problems, []);
  assert.deepEqual(outside, []);
  await page.close();
});
