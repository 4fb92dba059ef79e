// The backend benchmark's table (markdown), JSON and bar chart (vega-lite, drawn by src/report).
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { TopLevelSpec } from 'vega-lite';

import type { BackendBenchmarkResult, BackendBenchmarkRow } from './backend-benchmark.js';

const MB = 1024 * 1024;

function figure(value: number | undefined, digits = 1): string {
  if (value === undefined) return '—';
  return value >= 100 ? value.toFixed(0) : value.toFixed(digits);
}

function ratio(value: number | undefined): string {
  return value === undefined ? '—' : `${value.toFixed(2)}×`;
}

/** A markdown table: one row per backend and size, ratios to wasm measured in the same run. */
export function formatBackendTable(result: BackendBenchmarkResult): string {
  const lines = [
    `machine: ${result.machine}; started ${result.startedAt}`,
    '',
    '| backend | px | batch | threads | ms/step | train img/s | × wasm | × PyTorch tuned | infer img/s | × wasm | peak RSS MB | × wasm | backend MB | note |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const row of result.rows) {
    lines.push(
      `| ${row.backend} | ${row.size} | ${row.batch} | ${row.threads} | ${figure(row.msPerStep, 0)} | ${figure(row.trainImagesPerSecond, 2)} | ${ratio(row.trainVsWasm)} | ${ratio(row.trainVsPytorch)} | ${figure(row.inferImagesPerSecond, 2)} | ${ratio(row.inferVsWasm)} | ${row.peakRssBytes ? (row.peakRssBytes / MB).toFixed(0) : '—'} | ${ratio(row.rssVsWasm)} | ${row.peakBackendBytes !== undefined ? (row.peakBackendBytes / MB).toFixed(1) : '—'} | ${row.note ?? ''} |`,
    );
  }
  lines.push('');
  lines.push(
    result.pytorch.available
      ? `PyTorch ${result.pytorch.version} (bench/pytorch-unet/unet_train.py) trained the same net in the same run: no inference or memory figures (the script measures training only).`
      : `PyTorch not run: ${result.pytorch.reason}.`,
  );
  lines.push(
    'Peak RSS is that of a process that ran only this backend (Node itself is ~50 MB of it); backend MB is what the backend reports holding (tfjs: its tensors; ONNX Runtime: the weights and Adam state it keeps in JS, not its arenas).',
  );
  return `${lines.join('\n')}\n`;
}

export function writeBackendJson(file: string, result: BackendBenchmarkResult): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
}

/** Grouped bars: training and inference speed of every measured backend as a multiple of wasm's, per size. */
export function backendChartSpec(result: BackendBenchmarkResult): TopLevelSpec {
  const values = result.rows.flatMap((row: BackendBenchmarkRow) => [
    ...(row.trainVsWasm !== undefined
      ? [
          {
            backend: row.backend,
            size: `${row.size} px`,
            measure: 'training',
            ratio: row.trainVsWasm,
            imagesPerSecond: row.trainImagesPerSecond,
          },
        ]
      : []),
    ...(row.inferVsWasm !== undefined
      ? [
          {
            backend: row.backend,
            size: `${row.size} px`,
            measure: 'inference',
            ratio: row.inferVsWasm,
            imagesPerSecond: row.inferImagesPerSecond,
          },
        ]
      : []),
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: 'U-Net speed by backend, as a multiple of wasm in the same run', subtitle: result.machine },
    data: { values },
    facet: { row: { field: 'size', type: 'ordinal', title: null, header: { labelFontSize: 13, labelAngle: 0, labelAlign: 'left' } } },
    spec: {
      width: 560,
      layer: [
        {
          mark: { type: 'bar', height: { band: 0.8 } },
          encoding: {
            y: { field: 'backend', type: 'nominal', title: null, sort: null },
            yOffset: { field: 'measure', sort: ['training', 'inference'] },
            x: { field: 'ratio', type: 'quantitative', title: 'images/s ÷ wasm images/s (same run)' },
            color: {
              field: 'measure',
              type: 'nominal',
              title: null,
              sort: ['training', 'inference'],
              scale: { range: ['#0072B2', '#E69F00'] },
            },
            tooltip: [{ field: 'imagesPerSecond', format: '.1f' }],
          },
        },
        {
          mark: { type: 'rule', color: '#4D4D4D', strokeDash: [4, 3] },
          encoding: { x: { datum: 1 } },
        },
      ],
    },
  } as TopLevelSpec;
}

/** Draws the chart to a PNG file (src/report's renderer: vega-lite → SVG → PNG, DejaVu fonts). */
export async function writeBackendChart(file: string, result: BackendBenchmarkResult): Promise<void> {
  const { renderChart } = await import('../report/index.js');
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, await renderChart(backendChartSpec(result)));
}
