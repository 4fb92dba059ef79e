/**
 * Layout shared by every chart: the spacing the theme gives vega-lite, and the sizes chart
 * builders reserve from it. A chart that fixes its panels' widths (rather than letting vega-lite
 * fit them) subtracts these from the picture width to know what is left for the data.
 */

/** The vega-lite schema every spec names. */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Padding around the whole chart, in CSS pixels, on each side (the theme's `padding`). */
export const CHART_PADDING = 16;

/** Space between the panels of an hconcat/vconcat (the theme's `concat.spacing`). */
export const CONCAT_SPACING = 36;

/** Space between the panels of a facet (the theme's `facet.spacing`). */
export const FACET_SPACING = 18;

/** The title of one panel inside a multi-panel chart: smaller than the chart's title, centred over the panel. */
export const PANEL_TITLE = { fontSize: 13.5, anchor: 'middle' as const, offset: 8 };

/** Fits a single view into exactly `width` pixels, padding included (vega-lite's autosize "fit"). */
export function fit(width: number) {
  return { width, autosize: { type: 'fit' as const, contains: 'padding' as const } };
}
