import { Command } from 'commander';

import { formatBackendTable, writeBackendChart, writeBackendJson } from '../benchmarks/backend-benchmark-report.js';
import { runBackendBenchmark, workloadFor } from '../benchmarks/backend-benchmark.js';
import { InvalidOptionError } from '../core/errors.js';
import { number } from './cli-values.js';

/** `bandster bench backends`: every backend's training and inference speed and memory, as ratios to wasm. */
export function benchBackendsCommand(): Command {
  return new Command('backends')
    .description(
      'train and run the U-Net on every backend (available or why not): img/s, ms/step, peak memory, each as a ratio to wasm in the same run; PyTorch side by side when /usr/bin/python3 has torch',
    )
    .option(
      '--sizes <list>',
      'patch sizes: 64 and 128 train the 8–64-filter net (batch 8, 1 thread), 256 the study’s 16–256 net (batch 16, 2 threads)',
      '64',
    )
    .option('--backends <list>', 'only these backends (comma-separated registered names)')
    .option('--seconds <s>', 'timed training per backend and size', number('--seconds'), 4)
    .option('--json <file>', 'also write the results as JSON')
    .option('--png <file>', 'also draw the ratios to wasm as a bar chart')
    .option('--no-pytorch', 'do not run PyTorch side by side')
    .option('--no-costs', 'do not profile the ONNX Runtime training step (prepacking, state round-trips, slicing, gradient formulation)')
    .action(async (opts) => {
      const sizes = String(opts.sizes)
        .split(',')
        .map((part) => Number(part.trim()));
      for (const size of sizes) {
        if (!Number.isInteger(size) || size < 16 || size % 16 !== 0)
          throw new InvalidOptionError(`--sizes must list multiples of 16 (got ${opts.sizes})`);
      }
      const result = await runBackendBenchmark({
        sizes,
        backends: opts.backends
          ? String(opts.backends)
              .split(',')
              .map((name) => name.trim())
          : undefined,
        seconds: opts.seconds,
        pytorch: opts.pytorch,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(formatBackendTable(result));
      const ortMeasured = result.rows.some((row) => row.backend === 'onnxruntime-cpu' && row.trainImagesPerSecond !== undefined);
      if (opts.costs && ortMeasured) {
        process.stderr.write('  profiling the ONNX Runtime training step…\n');
        const { formatOrtCosts, measureOrtCosts } = await import('../benchmarks/ort-costs.js');
        process.stdout.write(`\n${formatOrtCosts(await measureOrtCosts(workloadFor(Math.min(...sizes))))}`);
      }
      if (opts.json) {
        writeBackendJson(opts.json, result);
        process.stdout.write(`json: ${opts.json}\n`);
      }
      if (opts.png) {
        await writeBackendChart(opts.png, result);
        process.stdout.write(`chart: ${opts.png}\n`);
      }
    });
}
