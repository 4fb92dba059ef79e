import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { countingOnes } from '../../src/benchmarks/counting-ones.js';
import { Result } from '../../src/core/result.js';
import { Search } from '../../src/core/search.js';
import type { Objective } from '../../src/core/types.js';
import { InlineExecutor } from '../../src/executors/inline-executor.js';
import { SEARCH_CHART_NAMES, bestConfigurations, searchCharts, writeSearchReport } from '../../src/report/index.js';
import { HPBANDSTER_RUN } from '../helpers/fixtures.js';
import { assertPicture } from './png-checks.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runBandster } from '../helpers/cli.js';

interface WrittenReport {
  html: string;
  pictures: { name: string; file: string; width: number; height: number }[];
  skipped: { name: string; reason: string }[];
}

async function assertReport(written: WrittenReport, out: string): Promise<void> {
  assert.equal(written.html, path.join(out, 'report.html'));
  assert.deepEqual(
    written.pictures.map((picture) => picture.name),
    [...SEARCH_CHART_NAMES],
    `every picture drawn (skipped: ${JSON.stringify(written.skipped)})`,
  );
  for (const picture of written.pictures) {
    assert.equal(picture.file, path.join(out, `${picture.name}.png`));
    const stats = await assertPicture(picture.file, 1800, picture.name);
    assert.equal(stats.height, picture.height, `${picture.name}: reported height`);
  }
  const html = fs.readFileSync(written.html, 'utf8');
  assert.equal(html.match(/<img src="data:image\/png;base64,/g)?.length, written.pictures.length, 'every picture embedded');
  assert.doesNotMatch(html, /(src|href)="(?!data:)/, 'self-contained: no external resources');
}

test('bandster report on hpbandster’s own run: six pictures and report.html with its summary and best configurations', async (t) => {
  const out = path.join(tempDir(t), 'report');
  const report = runBandster(['report', HPBANDSTER_RUN, '--out', out, '--json']);
  assert.equal(report.status, 0, report.stderr);
  const written = JSON.parse(report.stdout) as WrittenReport;
  await assertReport(written, out);
  const html = fs.readFileSync(written.html, 'utf8');
  // What `bandster summary` reports for this run (test/cli): 130 runs, 92 configurations, incumbent 7-0-3.
  assert.match(html, /<b>Runs<\/b><\/td><td>130 \(0 failed\)/);
  assert.match(html, /<b>Configurations<\/b><\/td><td>92 \(46 model-based, 46 random\)/);
  assert.match(html, /<b>Budgets \(runs\)<\/b><\/td><td>9 \(54\), 27 \(36\), 81 \(24\), 243 \(16\)/);
  assert.match(html, /<code>7-0-3<\/code>: loss −6\.69959 at budget 243/);
  // The table of best configurations: ten rows, the incumbent first, with its hyperparameters.
  const best = html.slice(html.indexOf('<h2>Best configurations</h2>'));
  assert.equal(best.match(/<tr>/g)?.length, 1 + 10);
  assert.match(best, /<td class="num">1<\/td><td><code>7-0-3<\/code><\/td><td class="num">−6\.6996<\/td>/);
  assert.match(best, /<code>float_3<\/code>/);

  const text = runBandster(['report', HPBANDSTER_RUN, '--out', out, '--scale', '1', '--top', '3']);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /report .*report\.html\n {2}losses-over-time\.png +900×\d+ +Losses over time/);
});

test('bandster report on a bandster run with failures: failed runs counted and marked', async (t) => {
  const dir = tempDir(t);
  const logDir = path.join(dir, 'run');
  const benchmark = countingOnes({ categorical: 4, continuous: 4 });
  let calls = 0;
  const objective: Objective = async (config, budget, ctx) => {
    calls++;
    // Long enough that runs overlap on three slots and the time axis has some extent.
    await new Promise((resolve) => setTimeout(resolve, 2 + budget / 60));
    if ((ctx.configId[0] + ctx.configId[2]) % 5 === 4) throw new Error(`injected failure of ${ctx.configId.join('-')} at budget ${budget}`);
    return benchmark.objective(config, budget, ctx);
  };
  const search = new Search({
    space: benchmark.space,
    executor: new InlineExecutor(objective, { concurrency: 3 }),
    minBudget: 9,
    maxBudget: 243,
    eta: 3,
    nIterations: 3,
    seed: 5,
    logDir,
  });
  const result = await search.run();
  assert.ok(result.nFailed > 0 && result.nFailed < result.nRuns, `some runs failed (${result.nFailed} of ${result.nRuns})`);
  assert.ok(calls === result.nRuns);

  const out = path.join(dir, 'report');
  const report = runBandster(['report', logDir, '--out', out, '--json']);
  assert.equal(report.status, 0, report.stderr);
  await assertReport(JSON.parse(report.stdout) as WrittenReport, out);
  const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
  assert.match(html, new RegExp(`<b>Runs</b></td><td>${result.nRuns} \\(${result.nFailed} failed\\)`));

  // The chart of losses draws the failed runs as their own layer, and the concurrency chart sees overlap.
  const charts = searchCharts(Result.fromDirectory(logDir));
  const losses = JSON.stringify(charts.find((chart) => chart.name === 'losses-over-time')!.spec);
  assert.match(losses, /failed \(top edge\)/);
  assert.match(JSON.stringify(charts.find((chart) => chart.name === 'concurrent-runs')!.spec), /At most [23] runs at once/);
  // Best configurations: lowest loss first, never a failed run.
  const best = bestConfigurations(result, 10);
  assert.ok(best.length > 0);
  for (let i = 1; i < best.length; i++) assert.ok(best[i - 1].loss <= best[i].loss);
  assert.equal(best[0].configKey, result.incumbent() && `${result.incumbent()!.configId.join('-')}`);
});

test('searchCharts says why a picture is left out instead of drawing an empty one', () => {
  const single = new Result({
    configs: new Map([['0-0-0', { configId: [0, 0, 0], config: { x: 1 }, info: { model_based_pick: false } }]]),
    runs: [
      { configId: [0, 0, 0], budget: 1, loss: 0.5, info: {}, error: null, timestamps: { submitted: 10, started: 10.5, finished: 12 } },
    ],
  });
  const charts = searchCharts(single);
  const correlation = charts.find((chart) => chart.name === 'loss-correlation')!;
  assert.equal(correlation.spec, null);
  assert.match(correlation.skipped!, /fewer than two budgets/);
  assert.equal(charts.filter((chart) => chart.spec !== null).length, 5);
  const empty = searchCharts(new Result({ configs: new Map(), runs: [] }));
  assert.ok(empty.every((chart) => chart.spec === null && chart.skipped));
});

test('bandster report without --out writes ./report-<run name> and leaves the run directory as it was', (t) => {
  const cwd = tempDir(t);
  const before = fs.readdirSync(HPBANDSTER_RUN).sort();
  const report = runBandster(['report', HPBANDSTER_RUN, '--json', '--scale', '1'], { cwd });
  assert.equal(report.status, 0, report.stderr);
  const written = JSON.parse(report.stdout) as { html: string };
  assert.equal(path.dirname(written.html), path.join(cwd, `report-${path.basename(HPBANDSTER_RUN)}`));
  assert.ok(fs.existsSync(written.html));
  assert.deepEqual(fs.readdirSync(HPBANDSTER_RUN).sort(), before, 'nothing added to the run directory');
});

test('writeSearchReport into a folder that cannot be made is a ReportError naming it, before any picture is drawn', async (t) => {
  const blocker = path.join(tempDir(t), 'a-file');
  fs.writeFileSync(blocker, '');
  await assert.rejects(writeSearchReport(Result.fromDirectory(HPBANDSTER_RUN), path.join(blocker, 'report')), {
    name: 'ReportError',
    code: 'ERR_REPORT_WRITE',
    message: /cannot create the report folder .*a-file/,
  });
  await assert.rejects(writeSearchReport(Result.fromDirectory(HPBANDSTER_RUN), path.join(blocker, 'report'), { top: -1 }), {
    code: 'ERR_INVALID_OPTION',
    message: /options\.top must be an integer >= 0 \(got -1\)/,
  });
});
