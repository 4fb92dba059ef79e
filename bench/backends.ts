// `npm run bench backends [--quick]`: the backend benchmark of `bandster bench backends` (every backend
// that loads, training and inference speed and memory as ratios to wasm in the same run, PyTorch side
// by side when /usr/bin/python3 has torch) at 64 px, and 128 px unless --quick.
//
// Run: `node --import tsx bench/backends.ts [--quick] [--sizes 64,128,256]`.
import { pathToFileURL } from 'node:url';

import { formatBackendTable } from '../src/benchmarks/backend-benchmark-report.js';
import { runBackendBenchmark, workloadFor } from '../src/benchmarks/backend-benchmark.js';
import { formatOrtCosts, measureOrtCosts } from '../src/benchmarks/ort-costs.js';

export async function run(options: { quick?: boolean; sizes?: number[] } = {}): Promise<void> {
  const quick = options.quick ?? false;
  const result = await runBackendBenchmark({
    sizes: options.sizes ?? (quick ? [64] : [64, 128]),
    seconds: quick ? 1.5 : 4,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(formatBackendTable(result));
  if (result.rows.some((row) => row.backend === 'onnxruntime-cpu' && row.trainImagesPerSecond !== undefined)) {
    process.stdout.write(`\n${formatOrtCosts(await measureOrtCosts(workloadFor(64), { rounds: quick ? 2 : 3 }))}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sizesFlag = process.argv.indexOf('--sizes');
  await run({
    quick: process.argv.includes('--quick'),
    sizes: sizesFlag > 0 ? process.argv[sizesFlag + 1].split(',').map(Number) : undefined,
  });
}
