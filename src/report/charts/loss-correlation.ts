/**
 * (d) Spearman's rank correlation of the losses of configurations evaluated on two budgets: the
 * consecutive pairs as a lollipop chart (left), every pair as a heat map (right).
 */
import type { TopLevelSpec } from 'vega-lite';
import { lossCorrelationAcrossBudgets, MIN_CORRELATION_PAIRS } from '../loss-correlation.js';
import { formatBudget } from '../search-data.js';
import { CATEGORY_COLORS } from '../theme.js';
import { CHART_PADDING, PANEL_TITLE, VEGA_LITE_SCHEMA } from './chart-layout.js';
import { searchChart, type SearchChart, type SearchChartContext } from './search-chart.js';

/** Height of the left (consecutive budgets) panel in CSS pixels. */
const PANEL_HEIGHT = 280;
/** Share of the inner width (padding excluded) given to the left panel. */
const LEFT_PANEL_SHARE = 0.36;
/**
 * Width the heat map needs beside its cells: its y-axis title and labels, the spacing from the
 * left panel, and the colour legend.
 */
const HEATMAP_SURROUNDINGS = 230;
/** Largest side of a heat-map cell: with few budgets, cells stay readable squares instead of filling the width. */
const MAX_CELL_SIDE = 90;
/** Shortest colour legend, and how much shorter than the heat map's height it is otherwise. */
const MIN_LEGEND_LENGTH = 120;
const LEGEND_INSET = 20;
/** Above this |ρ| a cell's colour is dark enough for white text. */
const DARK_CELL_RHO = 0.55;
/** Gap between a lollipop's head and its label. */
const LABEL_OFFSET = 11;

export function lossCorrelation({ runs, width }: SearchChartContext): SearchChart {
  const title = 'Loss correlation across budgets';
  const description = `Spearman's rank correlation between the losses of the configurations evaluated on both budgets (n of them, at least ${MIN_CORRELATION_PAIRS}). Near 1, a small budget ranks configurations as the large one does, so successive halving promotes the right ones; near 0 or below, the small budgets mislead it.`;
  const correlation = lossCorrelationAcrossBudgets(runs);
  if (correlation.budgets.length < 2)
    return searchChart('loss-correlation', title, description, null, 'fewer than two budgets have a loss');
  const labelOf = (rho: number, n: number) => (Number.isNaN(rho) ? `n/a\nn = ${n}` : `${formatRho(rho)}\nn = ${n}`);
  const consecutive = correlation.consecutive.map((pair) => ({
    pair: `${formatBudget(pair.lowerBudget)} → ${formatBudget(pair.higherBudget)}`,
    rho: Number.isNaN(pair.rho) ? null : pair.rho,
    label: labelOf(pair.rho, pair.nConfigs),
    labelY: Number.isNaN(pair.rho) ? 0 : pair.rho,
  }));
  const lowerLabels = correlation.budgets.slice(0, -1).map(formatBudget);
  const higherLabels = correlation.budgets.slice(1).map(formatBudget);
  const cells = correlation.pairs.map((pair) => ({
    lower: formatBudget(pair.lowerBudget),
    higher: formatBudget(pair.higherBudget),
    rho: Number.isNaN(pair.rho) ? null : pair.rho,
    valid: !Number.isNaN(pair.rho),
    label: labelOf(pair.rho, pair.nConfigs),
    dark: !Number.isNaN(pair.rho) && Math.abs(pair.rho) > DARK_CELL_RHO,
  }));
  const pairX = { field: 'pair', type: 'ordinal' as const, title: 'Budgets', sort: null, axis: { labelAngle: 0 } };
  const inner = width - 2 * CHART_PADDING;
  const leftWidth = Math.round(inner * LEFT_PANEL_SHARE);
  const cellSide = Math.min(MAX_CELL_SIDE, Math.round((inner - leftWidth - HEATMAP_SURROUNDINGS) / Math.max(1, higherLabels.length)));
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: title, subtitle: "Spearman's ρ of the losses of configurations evaluated on both budgets" },
    hconcat: [
      {
        title: { text: 'Consecutive budgets', ...PANEL_TITLE },
        width: leftWidth,
        height: PANEL_HEIGHT,
        data: { values: consecutive },
        layer: [
          { mark: { type: 'rule', color: '#9a9a9a', strokeWidth: 1 }, encoding: { y: { datum: 0, type: 'quantitative' } } },
          {
            mark: { type: 'rule', color: CATEGORY_COLORS[0], strokeWidth: 3 },
            encoding: { x: pairX, y: { field: 'rho', type: 'quantitative' }, y2: { datum: 0 } },
          },
          {
            mark: { type: 'point', filled: true, size: 140, color: CATEGORY_COLORS[0], opacity: 1 },
            encoding: { x: pairX, y: { field: 'rho', type: 'quantitative', title: "Spearman's ρ", scale: { domain: [-1, 1] } } },
          },
          {
            mark: { type: 'text', lineBreak: '\n', fontSize: 11.5, color: '#262626', align: 'left', baseline: 'middle', dx: LABEL_OFFSET },
            encoding: { x: pairX, y: { field: 'labelY', type: 'quantitative' }, text: { field: 'label' } },
          },
        ],
      },
      {
        title: { text: 'All pairs', ...PANEL_TITLE },
        width: cellSide * higherLabels.length,
        height: cellSide * lowerLabels.length,
        data: { values: cells },
        encoding: {
          x: {
            field: 'higher',
            type: 'ordinal',
            title: 'Higher budget',
            scale: { domain: higherLabels },
            axis: { labelAngle: 0, orient: 'bottom' },
          },
          y: { field: 'lower', type: 'ordinal', title: 'Lower budget', scale: { domain: lowerLabels } },
        },
        layer: [
          {
            transform: [{ filter: 'datum.valid' }],
            mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 2 },
            encoding: {
              color: {
                field: 'rho',
                type: 'quantitative',
                title: 'ρ',
                scale: { scheme: 'blueorange', domain: [-1, 1], reverse: true },
                legend: { gradientLength: Math.max(MIN_LEGEND_LENGTH, cellSide * lowerLabels.length - LEGEND_INSET), format: '.1f' },
              },
            },
          },
          { transform: [{ filter: '!datum.valid' }], mark: { type: 'rect', color: '#efefef', stroke: '#ffffff', strokeWidth: 2 } },
          {
            mark: { type: 'text', lineBreak: '\n', fontSize: 12 },
            encoding: { text: { field: 'label' }, color: { condition: { test: 'datum.dark', value: '#ffffff' }, value: '#1a1a1a' } },
          },
        ],
      },
    ],
    resolve: { scale: { color: 'independent' } },
  };
  return searchChart('loss-correlation', title, description, spec);
}

function formatRho(rho: number): string {
  return `ρ = ${rho.toFixed(2).replace('-', '−')}`;
}
