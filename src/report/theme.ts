/**
 * The look of every chart: DejaVu Sans, a white background, light gridlines, titles on the left,
 * and colour-blind-safe colours — Okabe & Ito's palette for categories and viridis (perceptually
 * uniform, readable in grey) for ordered values such as budgets.
 */
import type { Config } from 'vega-lite';
import { scheme } from 'vega';
import { CHART_PADDING, CONCAT_SPACING, FACET_SPACING } from './charts/chart-layout.js';
import { REPORT_FONT_FAMILY } from './fonts.js';

/** Okabe & Ito (2008), "Color Universal Design", without yellow (too faint on white) and black. */
export const CATEGORY_COLORS: readonly string[] = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];

/** The colour of failures: Okabe–Ito vermillion, darker. */
export const FAILURE_COLOR = '#B8400A';

/** Neutral dark grey for totals and reference lines. */
export const NEUTRAL_COLOR = '#4D4D4D';

/**
 * `count` ordered colours from viridis, from dark purple to green-yellow; the pale yellow end is
 * left out so that the lightest colour still shows on white.
 */
export function sequentialColors(count: number): string[] {
  const viridis = scheme('viridis') as (t: number) => string;
  if (count <= 0) return [];
  if (count === 1) return [viridis(0.35)];
  return Array.from({ length: count }, (_, i) => viridis(0.02 + (0.8 * i) / (count - 1)));
}

/** The vega-lite config every chart is compiled with (a chart's own `config` overrides it). */
export const REPORT_THEME: Config = {
  background: '#ffffff',
  padding: CHART_PADDING,
  font: REPORT_FONT_FAMILY,
  title: {
    fontSize: 17,
    fontWeight: 'bold',
    color: '#1a1a1a',
    anchor: 'start',
    offset: 14,
    subtitleFontSize: 12.5,
    subtitleColor: '#555555',
    subtitlePadding: 5,
  },
  axis: {
    labelFontSize: 12,
    labelColor: '#404040',
    titleFontSize: 13,
    titleFontWeight: 'normal',
    titleColor: '#262626',
    titlePadding: 10,
    gridColor: '#e8e8e8',
    gridWidth: 1,
    domainColor: '#9a9a9a',
    tickColor: '#9a9a9a',
    labelPadding: 4,
  },
  // Flush first/last labels crowd their neighbours ("0.00.2"); centred ones fit inside the padding.
  axisX: { labelFlush: false },
  legend: {
    labelFontSize: 12,
    labelColor: '#404040',
    titleFontSize: 12.5,
    titleFontWeight: 'bold',
    titleColor: '#262626',
    symbolSize: 90,
    rowPadding: 6,
    padding: 4,
  },
  header: {
    labelFontSize: 13,
    labelFontWeight: 'bold',
    labelColor: '#262626',
    titleFontSize: 13,
    titleFontWeight: 'normal',
  },
  view: { stroke: '#d9d9d9' },
  range: { category: [...CATEGORY_COLORS] },
  point: { size: 42, filled: true, opacity: 0.8 },
  line: { strokeWidth: 2.2 },
  rect: { stroke: '#ffffff', strokeWidth: 1 },
  text: { font: REPORT_FONT_FAMILY, fontSize: 12 },
  concat: { spacing: CONCAT_SPACING },
  facet: { spacing: FACET_SPACING },
};
