/**
 * The default-vs-tuned comparison as files: loss curves, precision–recall curves and the hard
 * patches of each run as PNGs, and one self-contained `comparison.html` embedding them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { invalidOption } from '../core/option-checks.js';
import { renderLossCurves, type TrainingHistory } from './charts/loss-curves.js';
import { renderPrecisionRecall, type RunPrecisionRecall } from './charts/precision-recall.js';
import { renderHardImages, type HardImageItem } from './hard-images.js';
import { escapeHtml, figureHtml, pageHtml, tableHtml, type Cell } from './html.js';
import { pngSize } from './png-size.js';
import { resolveRenderOptions, type RenderOptions } from './render-chart.js';
import { ReportError } from './report-error.js';
import { formatNumber } from './search-data.js';
import { SymbolicLinkError, writeFileNoFollow } from '../storage/no-follow.js';

/** What a comparison shows. */
export interface ComparisonInput extends RenderOptions {
  /** Heading of the page. @defaultValue 'Default vs tuned' */
  readonly title?: string;
  /** The training histories, one per run (required). */
  readonly histories: readonly TrainingHistory[];
  /** Precision–recall curves of each run (e.g. after epoch 20, as the study); left out when absent. */
  readonly precisionRecall?: readonly RunPrecisionRecall[];
  /** Hard patches of each run (see `selectTopHardPatches`), one grid per run; left out when absent. */
  readonly hardImages?: readonly { readonly label: string; readonly items: readonly HardImageItem[] }[];
}

/** A PNG written by {@link writeComparisonReport}. */
export interface ComparisonPicture {
  /** Absolute path. */
  readonly file: string;
  readonly title: string;
  readonly width: number;
  readonly height: number;
}

/** What {@link writeComparisonReport} wrote. */
export interface ComparisonReportOutput {
  /** Absolute path of comparison.html. */
  readonly html: string;
  readonly pictures: ComparisonPicture[];
}

/** The file name of the page. */
export const COMPARISON_REPORT_FILE = 'comparison.html';

/**
 * Writes `loss-curves.png`, `precision-recall.png` (with `input.precisionRecall`),
 * `hard-images-<label>.png` for each run with hard patches, and `comparison.html` (a table of
 * each run's best and last epoch, then the pictures) into `dir`, created if missing.
 * @throws InvalidOptionError (rejects) on malformed input; ReportError when a file cannot be written.
 */
export async function writeComparisonReport(dir: string, input: ComparisonInput): Promise<ComparisonReportOutput> {
  const render = resolveRenderOptions(input);
  if (!input || !Array.isArray(input.histories)) throw invalidOption('input.histories', 'an array of training histories', input?.histories);
  // Checked before anything is drawn or written.
  for (const [i, entry] of (input.hardImages ?? []).entries()) {
    if (typeof entry?.label !== 'string') throw invalidOption(`input.hardImages[${i}].label`, 'a string', entry?.label);
  }
  const title = input.title ?? 'Default vs tuned';
  const outDir = path.resolve(dir);
  try {
    fs.mkdirSync(outDir, { recursive: true });
  } catch (error) {
    throw new ReportError('ERR_REPORT_WRITE', `cannot create the report folder ${outDir}: ${(error as Error).message}`, { cause: error });
  }
  const pictures: ComparisonPicture[] = [];
  const sections: string[] = [];
  const add = (file: string, heading: string, description: string, png: Buffer) => {
    const absolute = path.join(outDir, file);
    write(absolute, png);
    const size = pngSize(png);
    pictures.push({ file: absolute, title: heading, ...size });
    sections.push(
      `<h2>${escapeHtml(heading)}</h2>\n${figureHtml({ file, title: heading, description, png, pixelWidth: size.width, displayWidth: render.width })}`,
    );
  };
  add(
    'loss-curves.png',
    'Loss per epoch',
    'Validation loss (solid) and training loss (dashed) against epoch for each run; below, validation mean IoU. A gap between the solid and the dashed line of a run is over-fitting.',
    await renderLossCurves(input.histories, render),
  );
  if (input.precisionRecall && input.precisionRecall.length > 0) {
    add(
      'precision-recall.png',
      'Precision against recall',
      'Each class against the rest, pixel by pixel, at every threshold on the predicted probability; the first panel averages the classes.',
      await renderPrecisionRecall(input.precisionRecall, render),
    );
  }
  const usedNames = new Set<string>();
  for (const [i, entry] of (input.hardImages ?? []).entries()) {
    if (!Array.isArray(entry.items) || entry.items.length === 0) {
      sections.push(`<h2>Hard patches: ${escapeHtml(entry.label)}</h2>\n<p class="note">No hard patch to show.</p>`);
      continue;
    }
    let name = `hard-images-${slug(entry.label) || String(i + 1)}`;
    while (usedNames.has(name)) name += `-${i + 1}`;
    usedNames.add(name);
    add(
      `${name}.png`,
      `Hard patches: ${entry.label}`,
      'Among the hard validation patches (no class dominates: the sum of squares of the class frequencies is at most 0.4), the most accurately predicted ones, least accurate first: image, true mask, predicted mask.',
      await renderHardImages(entry.items, { ...render, title: `Most accurately predicted hard patches: ${entry.label}` }),
    );
  }
  const body = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="lead">written by bandster</p>`,
    '<h2>Runs</h2>',
    runsTable(input.histories),
    ...sections,
  ].join('\n');
  const html = path.join(outDir, COMPARISON_REPORT_FILE);
  write(html, pageHtml(title, body, render.width));
  return { html, pictures };
}

function runsTable(histories: readonly TrainingHistory[]): string {
  const num = (value: number | undefined): Cell => ({ html: escapeHtml(formatNumber(value)), numeric: true });
  const rows = histories.map((history) => {
    const finite = history.epochs.filter((record) => Number.isFinite(record.valLoss));
    const best = finite.reduce<(typeof finite)[number] | undefined>(
      (acc, record) => (acc === undefined || record.valLoss < acc.valLoss ? record : acc),
      undefined,
    );
    const last = history.epochs[history.epochs.length - 1];
    return [
      escapeHtml(history.label),
      num(history.epochs.length),
      num(best?.valLoss),
      num(best?.epoch),
      num(last?.valLoss),
      num(last?.iou),
    ];
  });
  return tableHtml(
    [
      'Run',
      { html: 'Epochs', numeric: true },
      { html: 'Best val. loss', numeric: true },
      { html: 'at epoch', numeric: true },
      { html: 'Last val. loss', numeric: true },
      { html: 'Last mean IoU', numeric: true },
    ],
    rows,
  );
}

function slug(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

/** Writes one file of the report, never through a symbolic link (it could point anywhere). */
function write(file: string, data: string | Uint8Array): void {
  try {
    writeFileNoFollow(file, data);
  } catch (error) {
    const reason =
      error instanceof SymbolicLinkError ? 'it is a symbolic link, and a report is never written through one' : (error as Error).message;
    throw new ReportError('ERR_REPORT_WRITE', `cannot write ${file}: ${reason}`, { cause: error });
  }
}
