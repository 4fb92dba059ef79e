/**
 * Training curves of the runs being compared (the study's default-vs-tuned comparison, see
 * shared/docs/segmentation.md): validation and training loss per epoch, and validation mean IoU
 * in a second panel below when any epoch has one.
 */
import type { TopLevelSpec } from 'vega-lite';
import { checkNumber, invalidOption } from '../../core/option-checks.js';
import { renderChart, resolveRenderOptions, type RenderOptions } from '../render-chart.js';
import { formatNumber } from '../search-data.js';
import { CHART_PADDING, VEGA_LITE_SCHEMA } from './chart-layout.js';
import { checkLabels, runColor } from './comparison-chart.js';

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

/** Width the loss axis (title and labels) takes left of the panels. */
const Y_AXIS_WIDTH = 70;
/** Width of the legend column (runs and splits) right of the panels. */
const LEGEND_WIDTH = 150;
/** Heights of the loss panel and of the IoU panel below it, in CSS pixels. */
const LOSS_PANEL_HEIGHT = 330;
const IOU_PANEL_HEIGHT = 220;
/** Between the two panels: tighter than the theme's concat spacing, as they share the epoch axis. */
const PANEL_SPACING = 28;
/** Panel titles sit left, over the axis, like the chart's own title. */
const PANEL_TITLE = { fontSize: 13.5, anchor: 'start' as const, offset: 6 };
/** Past this many IoU points the line carries no dots (they would merge into a thick line). */
const MAX_DOTTED_POINTS = 60;

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
  const panelWidth = width - 2 * CHART_PADDING - Y_AXIS_WIDTH - LEGEND_WIDTH;
  const color = runColor(labels);
  const epochX = {
    field: 'epoch',
    type: 'quantitative' as const,
    title: 'Epoch',
    scale: { nice: false },
    axis: { tickMinStep: 1, format: 'd', tickCount: 10 },
  };
  const lossPanel = {
    title: { text: 'Loss', ...PANEL_TITLE },
    width: panelWidth,
    height: LOSS_PANEL_HEIGHT,
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
          // Validation solid, training dashed (6 px on, 4 off).
          range: [
            [1, 0],
            [6, 4],
          ],
        },
      },
    },
  };
  const iouPanel = {
    title: { text: 'Validation mean IoU (higher is better)', ...PANEL_TITLE },
    width: panelWidth,
    height: IOU_PANEL_HEIGHT,
    data: { values: ious },
    mark: { type: 'line' as const, strokeWidth: 2.2, point: { size: ious.length > MAX_DOTTED_POINTS ? 0 : 24, filled: true } },
    encoding: {
      x: epochX,
      y: { field: 'iou', type: 'quantitative' as const, title: 'Mean IoU', scale: { zero: false } },
      color,
    },
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: 'Training curves', subtitle: `Lowest validation loss: ${best.join(' · ') || 'none'}` },
    vconcat: ious.length > 0 ? [lossPanel, iouPanel] : [lossPanel],
    resolve: { scale: { color: 'shared', x: 'shared' } },
    config: { concat: { spacing: PANEL_SPACING } },
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
