/**
 * Pictures that compare training runs (the study's default-vs-tuned comparison, see
 * shared/docs/segmentation.md): loss curves per epoch, and precision–recall curves per class.
 */
import type { TopLevelSpec } from 'vega-lite';
import { InvalidOptionError } from '../core/errors.js';
import { checkNonEmptyString, checkNumber, invalidOption } from '../core/option-checks.js';
import { renderChart, resolveRenderOptions, type RenderOptions } from './render-chart.js';
import { formatNumber } from './search-data.js';
import { CATEGORY_COLORS } from './theme.js';

/** One epoch of a training history. */
export interface EpochRecord {
  /** Epoch number (1 for the first, or 0 — any increasing numbers). */
  readonly epoch: number;
  readonly trainLoss: number;
  readonly valLoss: number;
  /** Validation mean IoU in [0, 1], when measured. */
  readonly iou?: number;
}

/** The history of one training run. */
export interface TrainingHistory {
  /** Name in the legend, e.g. `'default'` or `'tuned'`. */
  readonly label: string;
  readonly epochs: readonly EpochRecord[];
}

/** A precision–recall curve: `precision[k]` at `recall[k]` (one point per threshold). */
export interface PrecisionRecallPoints {
  readonly precision: readonly number[] | Float64Array;
  readonly recall: readonly number[] | Float64Array;
}

/** One run's precision–recall curves: one per class and their average. */
export interface RunPrecisionRecall {
  readonly label: string;
  readonly perClass: readonly (PrecisionRecallPoints & { readonly className: string })[];
  readonly mean: PrecisionRecallPoints;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const PADDING = 16;
const MEAN_PANEL = 'mean over classes';

function runColor(labels: readonly string[], legendOrient: 'right' | 'top' = 'right') {
  return {
    field: 'run',
    type: 'nominal' as const,
    title: 'Run',
    legend: { symbolType: 'stroke', symbolStrokeWidth: 3, orient: legendOrient },
    scale: { domain: [...labels], range: labels.map((_, i) => CATEGORY_COLORS[i % CATEGORY_COLORS.length]) },
  };
}

function checkLabels(items: readonly { label: unknown }[], argument: string): string[] {
  if (!Array.isArray(items) || items.length === 0) throw invalidOption(argument, 'a non-empty array', items);
  const labels = items.map((item, i) => checkNonEmptyString(item?.label, `${argument}[${i}].label`));
  const duplicate = labels.find((label, i) => labels.indexOf(label) !== i);
  if (duplicate !== undefined)
    throw new InvalidOptionError(`${argument} has two runs labelled ${JSON.stringify(duplicate)}; labels must differ`);
  return labels;
}

/**
 * The loss-curves chart as a vega-lite spec (see {@link renderLossCurves}).
 * @throws InvalidOptionError when a history is empty, labels repeat, or an epoch is not a number.
 */
export function lossCurvesSpec(histories: readonly TrainingHistory[], width = 900): TopLevelSpec {
  const labels = checkLabels(histories, 'histories');
  const losses: { run: string; epoch: number; loss: number; split: string }[] = [];
  const ious: { run: string; epoch: number; iou: number }[] = [];
  const best: string[] = [];
  histories.forEach((history, h) => {
    if (!Array.isArray(history.epochs) || history.epochs.length === 0)
      throw invalidOption(`histories[${h}].epochs`, 'a non-empty array', history.epochs);
    let bestEpoch: EpochRecord | undefined;
    history.epochs.forEach((record, e) => {
      checkNumber(record?.epoch, `histories[${h}].epochs[${e}].epoch`, { finite: true });
      // A diverged epoch (NaN or infinite loss) is a gap in the curve, not an error.
      if (Number.isFinite(record.valLoss)) {
        losses.push({ run: history.label, epoch: record.epoch, loss: record.valLoss, split: 'validation' });
        if (bestEpoch === undefined || record.valLoss < bestEpoch.valLoss) bestEpoch = record;
      }
      if (Number.isFinite(record.trainLoss))
        losses.push({ run: history.label, epoch: record.epoch, loss: record.trainLoss, split: 'training' });
      if (record.iou !== undefined && Number.isFinite(record.iou)) ious.push({ run: history.label, epoch: record.epoch, iou: record.iou });
    });
    if (bestEpoch) best.push(`${history.label}: ${formatNumber(bestEpoch.valLoss)} at epoch ${bestEpoch.epoch}`);
  });
  const panelWidth = width - 2 * PADDING - 70 - 150;
  const color = runColor(labels);
  const epochX = {
    field: 'epoch',
    type: 'quantitative' as const,
    title: 'Epoch',
    scale: { nice: false },
    axis: { tickMinStep: 1, format: 'd', tickCount: 10 },
  };
  const lossPanel = {
    title: { text: 'Loss', fontSize: 13.5, anchor: 'start' as const, offset: 6 },
    width: panelWidth,
    height: 330,
    data: { values: losses },
    mark: { type: 'line' as const, strokeWidth: 2.2, clip: true },
    encoding: {
      x: epochX,
      y: { field: 'loss', type: 'quantitative' as const, title: 'Loss', scale: { zero: false } },
      color,
      strokeDash: {
        field: 'split',
        type: 'nominal' as const,
        title: 'Split',
        scale: {
          domain: ['validation', 'training'],
          range: [
            [1, 0],
            [6, 4],
          ],
        },
      },
    },
  };
  const iouPanel = {
    title: { text: 'Validation mean IoU (higher is better)', fontSize: 13.5, anchor: 'start' as const, offset: 6 },
    width: panelWidth,
    height: 220,
    data: { values: ious },
    mark: { type: 'line' as const, strokeWidth: 2.2, point: { size: ious.length > 60 ? 0 : 24, filled: true } },
    encoding: {
      x: epochX,
      y: { field: 'iou', type: 'quantitative' as const, title: 'Mean IoU', scale: { zero: false } },
      color,
    },
  };
  return {
    $schema: SCHEMA,
    title: { text: 'Training curves', subtitle: `Lowest validation loss: ${best.join(' · ') || 'none'}` },
    vconcat: ious.length > 0 ? [lossPanel, iouPanel] : [lossPanel],
    resolve: { scale: { color: 'shared', x: 'shared' } },
    config: { concat: { spacing: 28 } },
  };
}

/**
 * Validation loss against epoch for every run on one chart (training loss dashed in the run's
 * colour), and validation mean IoU in a second panel below when any epoch has one.
 * @returns a PNG `options.width × options.scale` pixels wide (1800 by default).
 * @throws InvalidOptionError (rejects) on empty or malformed histories.
 */
export async function renderLossCurves(histories: readonly TrainingHistory[], options: RenderOptions = {}): Promise<Buffer> {
  const { width } = resolveRenderOptions(options);
  return renderChart(lossCurvesSpec(histories, width), options);
}

function curveRows(run: string, panel: string, points: PrecisionRecallPoints, argument: string) {
  if (points.precision.length !== points.recall.length) {
    throw new InvalidOptionError(`${argument}: precision has ${points.precision.length} values but recall has ${points.recall.length}`);
  }
  const rows: { run: string; panel: string; recall: number; precision: number; order: number }[] = [];
  for (let k = 0; k < points.precision.length; k++) {
    // NaN precision (no pixel above the threshold) has no point on the curve.
    if (Number.isFinite(points.precision[k]) && Number.isFinite(points.recall[k]))
      rows.push({ run, panel, recall: points.recall[k], precision: points.precision[k], order: k });
  }
  return rows;
}

/**
 * The precision–recall chart as a vega-lite spec (see {@link renderPrecisionRecall}).
 * @throws InvalidOptionError when curves are missing or precision and recall differ in length.
 */
export function precisionRecallSpec(curves: readonly RunPrecisionRecall[], width = 900): TopLevelSpec {
  const labels = checkLabels(curves, 'curves');
  const classNames: string[] = [];
  const rows = curves.flatMap((curve, c) => {
    if (!Array.isArray(curve.perClass)) throw invalidOption(`curves[${c}].perClass`, 'an array', curve.perClass);
    if (!curve.mean) throw new InvalidOptionError(`curves[${c}].mean is missing`);
    return [
      ...curveRows(curve.label, MEAN_PANEL, curve.mean, `curves[${c}].mean`),
      ...curve.perClass.flatMap((entry, k) => {
        if (!classNames.includes(entry.className)) classNames.push(entry.className);
        return curveRows(curve.label, entry.className, entry, `curves[${c}].perClass[${k}]`);
      }),
    ];
  });
  const columns = Math.min(3, Math.max(1, classNames.length));
  // The mean gets a large panel on the left; the classes are small multiples beside it.
  const inner = width - 2 * PADDING;
  const small = Math.floor((inner - 2 * 50 - 36 - 16 * (columns - 1)) / (columns + 2));
  const large = inner - 2 * 50 - 36 - 16 * (columns - 1) - columns * small;
  const encodingWith = (axis: object) => ({
    x: { field: 'recall', type: 'quantitative' as const, title: 'Recall', scale: { domain: [0, 1] }, axis },
    y: { field: 'precision', type: 'quantitative' as const, title: 'Precision', scale: { domain: [0, 1] }, axis },
    color: runColor(labels, 'top'),
    order: { field: 'order', type: 'quantitative' as const },
  });
  const encoding = encodingWith({ tickCount: 5, format: '.1f' });
  // Small panels sit side by side: fewer labels, so that 1.0 and the next panel's 0 do not touch.
  const smallEncoding = encodingWith({ values: [0, 0.5, 1], format: '~g' });
  return {
    $schema: SCHEMA,
    title: {
      text: 'Precision against recall',
      subtitle: 'Averaged over classes (left) and per class, each against the rest, pixel by pixel; up and to the right is better',
    },
    data: { values: rows },
    hconcat: [
      {
        title: { text: 'Mean over classes', fontSize: 13.5, anchor: 'middle', offset: 8 },
        transform: [{ filter: { field: 'panel', equal: MEAN_PANEL } }],
        width: large,
        height: large,
        mark: { type: 'line', strokeWidth: 2.6, clip: true },
        encoding,
      },
      {
        transform: [{ filter: { field: 'panel', oneOf: classNames } }],
        columns,
        facet: { field: 'panel', type: 'nominal', sort: classNames, title: null, header: { labelFontSize: 12.5, labelFontWeight: 'bold' } },
        spec: { width: small, height: small, mark: { type: 'line', strokeWidth: 2, clip: true }, encoding: smallEncoding },
      },
    ],
  };
}

/**
 * Precision against recall, one small chart per class plus one of the curve averaged over classes
 * (first), every run in its own colour.
 * @returns a PNG `options.width × options.scale` pixels wide.
 * @throws InvalidOptionError (rejects) on malformed curves.
 */
export async function renderPrecisionRecall(curves: readonly RunPrecisionRecall[], options: RenderOptions = {}): Promise<Buffer> {
  const { width } = resolveRenderOptions(options);
  return renderChart(precisionRecallSpec(curves, width), options);
}
