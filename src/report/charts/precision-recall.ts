/**
 * Precision against recall for the runs being compared: one large panel for the curve averaged
 * over classes, and one small panel per class beside it, every run in its own colour.
 */
import type { TopLevelSpec } from 'vega-lite';
import { InvalidOptionError } from '../../core/errors.js';
import { invalidOption } from '../../core/option-checks.js';
import { renderChart, resolveRenderOptions, type RenderOptions } from '../render-chart.js';
import { CHART_PADDING, CONCAT_SPACING, PANEL_TITLE, VEGA_LITE_SCHEMA } from './chart-layout.js';
import { checkLabels, runColor } from './comparison-chart.js';

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

const MEAN_PANEL = 'mean over classes';
/** Small panels per row. */
const MAX_COLUMNS = 3;
/** Width each of the two panel groups' axes (title and labels) takes: the large panel's and the small multiples'. */
const Y_AXIS_WIDTH = 50;
/** What the layout reserves between two small panels (a little under the theme's facet spacing). */
const SMALL_PANEL_GAP = 16;
/** The large panel is as wide as this many small ones (plus what rounding leaves). */
const LARGE_PANEL_SPAN = 2;

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
  const columns = Math.min(MAX_COLUMNS, Math.max(1, classNames.length));
  // The mean gets a large panel on the left; the classes are small multiples beside it.
  const inner = width - 2 * CHART_PADDING;
  const forPanels = inner - 2 * Y_AXIS_WIDTH - CONCAT_SPACING - SMALL_PANEL_GAP * (columns - 1);
  const small = Math.floor(forPanels / (columns + LARGE_PANEL_SPAN));
  const large = forPanels - columns * small;
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
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: 'Precision against recall',
      subtitle: 'Averaged over classes (left) and per class, each against the rest, pixel by pixel; up and to the right is better',
    },
    data: { values: rows },
    hconcat: [
      {
        title: { text: 'Mean over classes', ...PANEL_TITLE },
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
