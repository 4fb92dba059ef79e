/**
 * Charts as pictures: vega-lite spec → vega → SVG (a headless View, renderer 'none') → PNG with
 * resvg, drawn with the DejaVu fonts only (see fonts.ts) at a fixed pixel width.
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { reportTextWidth } from './font-metrics.js';
import { REPORT_FONT_FAMILY, reportFontFileList, reportFontFiles } from './fonts.js';
import { ReportError } from './report-error.js';
import { REPORT_THEME } from './theme.js';
import { checkNumber } from '../core/option-checks.js';

/** Size of a rendered picture. */
export interface RenderOptions {
  /**
   * Width of the picture in CSS pixels; every chart is laid out for this width.
   * @defaultValue 900
   */
  readonly width?: number;
  /**
   * Pixel density: the PNG is `width × scale` pixels wide (2 = sharp on high-density screens).
   * @defaultValue 2
   */
  readonly scale?: number;
}

export const RENDER_DEFAULTS = Object.freeze({ width: 900, scale: 2 });

/** The width in pixels of a PNG rendered with `options`. */
export function pngWidth(options: RenderOptions = {}): number {
  const { width, scale } = resolveRenderOptions(options);
  return Math.round(width * scale);
}

/** Validated render options with defaults filled in. */
export function resolveRenderOptions(options: RenderOptions = {}): Required<RenderOptions> {
  const width = checkNumber(options.width ?? RENDER_DEFAULTS.width, 'options.width', { min: 200, max: 4000 });
  const scale = checkNumber(options.scale ?? RENDER_DEFAULTS.scale, 'options.scale', { min: 0.5, max: 4 });
  return { width, scale };
}

let metricsInstalled = false;

interface TextItem {
  readonly fontSize?: number | string;
  readonly fontWeight?: number | string;
  readonly limit?: number;
}

/**
 * Makes vega measure text with DejaVu Sans' real advance widths instead of its 0.8-em guess.
 * Vega keeps text metrics in one module-wide object; we replace its `width` once per process.
 */
function installTextMetrics(): void {
  if (metricsInstalled) return;
  reportFontFiles();
  // vega-scenegraph's textMetrics, re-exported by vega at run time but missing from its typings.
  const { textMetrics } = vega as unknown as { textMetrics: { width: (item: TextItem, text?: unknown) => number } };
  textMetrics.width = (item: TextItem, text?: unknown): number => {
    const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
    const value = text == null ? '' : String(text).trim();
    if (size <= 0 || value === '') return 0;
    const weight = item.fontWeight;
    const isBold =
      weight === 'bold' ||
      weight === 'bolder' ||
      (typeof weight === 'number' && weight >= 600) ||
      (typeof weight === 'string' && Number(weight) >= 600);
    const width = reportTextWidth(value, size, isBold);
    // vega truncates a label to `limit` with an ellipsis; it calls this function while doing so.
    return item.limit != null && item.limit > 0 ? Math.min(width, item.limit) : width;
  };
  metricsInstalled = true;
}

/** Compiles a vega-lite spec with the report theme (the spec's own `config` wins) and draws it as SVG. */
export async function renderVegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  installTextMetrics();
  let view: vega.View | undefined;
  try {
    // vega-lite's warnings (e.g. a legend property conflict between layers) would go to the console.
    const compiled = compile(spec, { config: REPORT_THEME, logger: vega.logger(vega.None) }).spec;
    view = new vega.View(vega.parse(compiled), { renderer: 'none' });
    return await view.toSVG();
  } catch (error) {
    throw new ReportError(
      'ERR_REPORT_RENDER',
      `chart ${JSON.stringify(chartTitle(spec))} could not be drawn: ${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    view?.finalize();
  }
}

/**
 * Draws an SVG as a PNG exactly `width × scale` pixels wide (height in proportion), with the
 * DejaVu fonts and no system font, on white.
 */
export function svgToPng(svg: string, options: RenderOptions = {}): Buffer {
  const target = pngWidth(options);
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: target },
    background: '#ffffff',
    font: {
      loadSystemFonts: false,
      fontFiles: reportFontFileList(),
      defaultFontFamily: REPORT_FONT_FAMILY,
      sansSerifFamily: REPORT_FONT_FAMILY,
    },
    shapeRendering: 2,
    textRendering: 1,
  });
  return resvg.render().asPng();
}

/**
 * Renders a vega-lite chart to PNG: `options.width` CSS pixels wide at `options.scale` density.
 * Lay the chart out for `options.width` (e.g. `width: 'container'`-free sizes that add up to it,
 * or `autosize: fit`); any difference is scaled away so every picture has the same width.
 */
export async function renderChart(spec: TopLevelSpec, options: RenderOptions = {}): Promise<Buffer> {
  resolveRenderOptions(options);
  return svgToPng(await renderVegaLiteSvg(spec), options);
}

function chartTitle(spec: TopLevelSpec): string {
  const title = (spec as { title?: unknown }).title;
  if (typeof title === 'string') return title;
  if (title && typeof title === 'object' && 'text' in title) return String((title as { text: unknown }).text);
  return 'untitled';
}
