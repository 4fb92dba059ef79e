/**
 * Reports: the search analysis of a run (PNG pictures and one self-contained report.html) and the
 * default-vs-tuned training comparison. Charts are vega-lite specs drawn to SVG by vega and to PNG
 * by resvg with the DejaVu fonts; image grids are composed with sharp.
 *
 * A heavy entry point (vega, resvg, sharp): import it where reports are drawn, not from the core.
 */
export { writeSearchReport, SEARCH_REPORT_DEFAULTS, SEARCH_REPORT_FILE } from './search-report.js';
export type { SearchReportOptions, SearchReportOutput, WrittenPicture } from './search-report.js';
export { searchCharts, SEARCH_CHART_DEFAULTS, SEARCH_CHART_NAMES } from './charts/search-charts.js';
export type { SearchChart, SearchChartName, SearchChartOptions } from './charts/search-charts.js';
export { renderChart, renderVegaLiteSvg, svgToPng, pngWidth, RENDER_DEFAULTS } from './render-chart.js';
export type { RenderOptions } from './render-chart.js';
export { REPORT_THEME, CATEGORY_COLORS, sequentialColors } from './theme.js';
export { averageRanks, pearson, spearman } from './spearman.js';
export { concurrencyTimeline, peakValue } from './concurrency-timeline.js';
export type { Interval, StepPoint } from './concurrency-timeline.js';
export { cumulativeCounts, cumulativeCountsBy } from './cumulative-counts.js';
export { lossCorrelationAcrossBudgets, MIN_CORRELATION_PAIRS } from './loss-correlation.js';
export type { BudgetPairCorrelation, LossCorrelation } from './loss-correlation.js';
export { bestConfigurations } from './search-data.js';
export type { BestConfiguration } from './search-data.js';
export { renderLossCurves, lossCurvesSpec } from './charts/loss-curves.js';
export type { EpochRecord, TrainingHistory } from './charts/loss-curves.js';
export { renderPrecisionRecall, precisionRecallSpec } from './charts/precision-recall.js';
export type { PrecisionRecallPoints, RunPrecisionRecall } from './charts/precision-recall.js';
export { renderHardImages, selectTopHardPatches, MAX_HARD_IMAGES } from './hard-images.js';
export type { HardImageItem, HardImagesOptions } from './hard-images.js';
export { writeComparisonReport, COMPARISON_REPORT_FILE } from './comparison-report.js';
export type { ComparisonInput, ComparisonPicture, ComparisonReportOutput } from './comparison-report.js';
export { ReportError } from './report-error.js';
export type { ReportErrorCode } from './report-error.js';
export { pngSize } from './png-size.js';
