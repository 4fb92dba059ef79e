/**
 * `bandster report`: the search-analysis pictures of one run as PNG files, and one self-contained
 * `report.html` that embeds them with the run's summary and its best configurations.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Result } from '../core/result.js';
import { configIdKey, type HyperparameterValue } from '../core/types.js';
import { escapeHtml, figureHtml, pageHtml, tableHtml, type Cell } from './html.js';
import { pngSize } from './png-size.js';
import { renderChart, resolveRenderOptions, type RenderOptions } from './render-chart.js';
import { ReportError } from './report-error.js';
import { searchCharts, type SearchChartName } from './charts/search-charts.js';
import { bestConfigurations, formatBudget, formatNumber, modelBasedPicks, runClock } from './search-data.js';
import { formatDuration } from './time-unit.js';
import { checkInteger } from '../core/option-checks.js';
import { SymbolicLinkError, writeFileNoFollow } from '../storage/no-follow.js';

/** Options of {@link writeSearchReport}. */
export interface SearchReportOptions extends RenderOptions {
  /** Heading of the page. @defaultValue 'Search report' */
  readonly title?: string;
  /** Where the run came from (a directory), shown in the summary. */
  readonly source?: string;
  /** Best configurations listed. @defaultValue 10 */
  readonly top?: number;
}

export const SEARCH_REPORT_DEFAULTS = Object.freeze({ title: 'Search report', top: 10 });

/** A PNG the report wrote. */
export interface WrittenPicture {
  readonly name: SearchChartName;
  /** Absolute path of the PNG. */
  readonly file: string;
  readonly title: string;
  /** Pixel size. */
  readonly width: number;
  readonly height: number;
}

/** What {@link writeSearchReport} wrote. */
export interface SearchReportOutput {
  /** Absolute path of report.html. */
  readonly html: string;
  readonly pictures: WrittenPicture[];
  /** Pictures left out, with the reason (e.g. a run with one budget has no correlation across budgets). */
  readonly skipped: { readonly name: SearchChartName; readonly reason: string }[];
}

/** The file name of the page. */
export const SEARCH_REPORT_FILE = 'report.html';

/**
 * Draws every search picture of `result` into `outDir` (created if missing; files of the same
 * names are replaced) and writes `report.html` embedding them as data URIs, so the page can be
 * mailed or archived alone.
 * @throws InvalidOptionError for bad options; ReportError when a picture cannot be drawn or written.
 */
export async function writeSearchReport(result: Result, outDir: string, options: SearchReportOptions = {}): Promise<SearchReportOutput> {
  const render = resolveRenderOptions(options);
  const top = checkInteger(options.top ?? SEARCH_REPORT_DEFAULTS.top, 'options.top', { min: 0 });
  const title = options.title ?? SEARCH_REPORT_DEFAULTS.title;
  const dir = path.resolve(outDir);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new ReportError('ERR_REPORT_WRITE', `cannot create the report folder ${dir}: ${(error as Error).message}`, { cause: error });
  }
  const pictures: WrittenPicture[] = [];
  const skipped: { name: SearchChartName; reason: string }[] = [];
  const figures: string[] = [];
  for (const chart of searchCharts(result, { width: render.width })) {
    if (chart.spec === null) {
      skipped.push({ name: chart.name, reason: chart.skipped ?? 'nothing to draw' });
      figures.push(
        `<h2>${escapeHtml(chart.title)}</h2>\n<p class="note">Not drawn: ${escapeHtml(chart.skipped ?? 'nothing to draw')}.</p>`,
      );
      continue;
    }
    const png = await renderChart(chart.spec, render);
    const file = path.join(dir, chart.file);
    writeFile(file, png);
    const size = pngSize(png);
    pictures.push({ name: chart.name, file, title: chart.title, ...size });
    // The picture carries its own title; the page adds only its caption.
    figures.push(
      `<hr>\n${figureHtml({ file: chart.file, title: chart.title, description: chart.description, png, pixelWidth: size.width, displayWidth: render.width })}`,
    );
  }
  const body = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="lead">${escapeHtml(options.source ? `Run ${options.source}` : 'A bandster search')} · written by bandster report</p>`,
    summaryHtml(result, options.source),
    ...figures,
    '<h2>Best configurations</h2>',
    bestConfigurationsHtml(result, top),
  ].join('\n');
  const html = path.join(dir, SEARCH_REPORT_FILE);
  writeFile(html, pageHtml(title, body, render.width));
  return { html, pictures, skipped };
}

/** Writes one file of the report, never through a symbolic link (it could point anywhere). */
function writeFile(file: string, data: string | Uint8Array): void {
  try {
    writeFileNoFollow(file, data);
  } catch (error) {
    const reason =
      error instanceof SymbolicLinkError ? 'it is a symbolic link, and a report is never written through one' : (error as Error).message;
    throw new ReportError('ERR_REPORT_WRITE', `cannot write ${file}: ${reason}`, { cause: error });
  }
}

function num(value: number | null | undefined): Cell {
  return { html: escapeHtml(formatNumber(value)), numeric: true };
}

function valueHtml(value: HyperparameterValue | undefined): Cell {
  if (value === undefined) return { html: '<span title="inactive">–</span>', numeric: false };
  if (typeof value === 'number') return num(value);
  return escapeHtml(String(value));
}

function summaryHtml(result: Result, source: string | undefined): string {
  const runs = result.allRuns();
  const clock = runClock(runs);
  const perBudget = result.budgets.map((budget) => {
    const count = runs.filter((run) => run.budget === budget).length;
    return `${formatBudget(budget)} (${count})`;
  });
  const picks = [...modelBasedPicks(result).values()];
  const modelBased = picks.filter((pick) => pick === true).length;
  const random = picks.filter((pick) => pick === false).length;
  const incumbent = result.incumbent();
  const rows: [string, string][] = [];
  if (source) rows.push(['Run directory', `<code>${escapeHtml(source)}</code>`]);
  rows.push(['Runs', `${runs.length} (${result.nFailed} failed)`]);
  rows.push([
    'Configurations',
    `${result.nConfigs} (${modelBased} model-based, ${random} random${picks.length - modelBased - random > 0 ? `, ${picks.length - modelBased - random} unknown` : ''})`,
  ]);
  rows.push(['Budgets (runs)', escapeHtml(perBudget.join(', ') || 'none')]);
  if (runs.length > 0) {
    rows.push([
      'Time span',
      `${escapeHtml(formatDuration(clock.spanSeconds))}: ${escapeHtml(isoTime(clock.origin))} to ${escapeHtml(isoTime(clock.origin + clock.spanSeconds))}`,
    ]);
  }
  rows.push([
    'Incumbent',
    incumbent
      ? `<code>${escapeHtml(configIdKey(incumbent.configId))}</code>: loss ${escapeHtml(formatNumber(incumbent.loss, 6))} at budget ${escapeHtml(formatBudget(incumbent.budget))}`
      : 'none (no run on the largest budget has a loss)',
  ]);
  const parts = [
    `<h2>Summary</h2>`,
    tableHtml(
      [],
      rows.map(([key, value]) => [`<b>${escapeHtml(key)}</b>`, value]),
      'kv',
    ),
  ];
  if (incumbent) {
    const names = Object.keys(incumbent.config).sort();
    parts.push('<h3>Incumbent configuration</h3>');
    parts.push(
      tableHtml(
        ['Hyperparameter', 'Value'],
        names.map((name) => [`<code>${escapeHtml(name)}</code>`, valueHtml(incumbent.config[name])]),
      ),
    );
  }
  if (result.warnings.length > 0) {
    parts.push(
      `<p class="note">Reading the log gave ${result.warnings.length} warning(s):</p><ul>${result.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>`,
    );
  }
  return parts.join('\n');
}

function isoTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

function bestConfigurationsHtml(result: Result, top: number): string {
  const best = bestConfigurations(result, top);
  if (best.length === 0) return '<p class="note">No run on the largest budget has a loss.</p>';
  const names = [...new Set(best.flatMap((entry) => Object.keys(entry.config)))].sort();
  const header: Cell[] = [
    { html: '#', numeric: true },
    'Config id',
    { html: `Loss at ${escapeHtml(formatBudget(best[0].budget))}`, numeric: true },
    'Picked by',
    'Losses on smaller budgets',
    ...names.map((name) => `<code>${escapeHtml(name)}</code>`),
  ];
  const rows = best.map((entry) => [
    { html: String(entry.rank), numeric: true },
    `<code>${escapeHtml(entry.configKey)}</code>`,
    { html: escapeHtml(formatNumber(entry.loss, 5, true)), numeric: true },
    entry.modelBasedPick === undefined ? '–' : entry.modelBasedPick ? 'model' : 'random',
    escapeHtml(
      entry.curve
        .filter((point) => point.budget < entry.budget)
        .map((point) => `${formatBudget(point.budget)}:\u00a0${formatNumber(point.loss)}`)
        .join(' · ') || '–',
    ),
    ...names.map((name) => valueHtml(entry.config[name])),
  ]);
  return `<p>The ${best.length} lowest losses on the largest budget (${escapeHtml(formatBudget(best[0].budget))}), with their hyperparameters (– where inactive).</p>\n<div class="scroll">${tableHtml(header, rows)}</div>`;
}
