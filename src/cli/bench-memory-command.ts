import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';

import { Command } from 'commander';

import {
  calibrate,
  calibrationModule,
  compareProfiles,
  errorRows,
  formatComparisons,
  formatErrorTable,
  isMeasured,
  measureInChild,
  type MemoryOutcome,
  spacePoints,
  writeJson,
} from '../benchmarks/memory-benchmark.js';
import { compareRecompute, formatRecompute } from '../benchmarks/recompute-benchmark.js';
import type { MemoryCalibration } from '../../backends/memory-calibration.js';
import { InvalidOptionError } from '../core/errors.js';
import { integer } from './cli-values.js';

function list(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

/**
 * `bandster bench memory`: the frugal profile against the standard one (peak memory, time per epoch,
 * loss curves) per backend and size, and the memory model's error over the default and study spaces
 * (`--errors`; `--calibrate` refits the model to the same measurements first).
 */
export function benchMemoryCommand(): Command {
  return new Command('memory')
    .description(
      "frugal vs standard profile per backend and size (peak RSS, s/epoch, loss curves; each trial alone in a fresh process), and the memory model's error over the default and study spaces",
    )
    .option('--backends <list>', 'backends (comma-separated)', 'onnxruntime-cpu,wasm')
    .option('--sizes <list>', '64: the CPU net (filters 8–64), 256: the study net (filters 16–256); batch 16, micro-batch 2', '64,256')
    .option('--epochs <n>', 'epochs per trial', integer('--epochs'), 3)
    .option('--micro-batch <n>', 'the frugal profile’s micro-batch', integer('--micro-batch'), 2)
    .option('--no-compare', 'skip the profile comparison')
    .option('--recompute', 'also compare the frugal profile with and without recomputing the encoder’s activations', false)
    .option('--repeats <n>', 'repeats of the --recompute comparison (alternated)', integer('--repeats'), 3)
    .option('--errors', 'measure the memory model’s error over the default and study spaces', false)
    .option('--spaces <list>', 'which spaces --errors measures: default, study', 'default,study')
    .option('--calibrate', 'refit the memory model to the --errors measurements and write backends/memory-calibration.ts', false)
    .option('--json <file>', 'also write every measurement as JSON')
    .action(async (opts) => {
      const backends = list(String(opts.backends));
      const sizes = list(String(opts.sizes)).map(Number);
      if (sizes.some((size) => !Number.isInteger(size) || size % 16 !== 0))
        throw new InvalidOptionError(`--sizes must list multiples of 16 (got ${opts.sizes})`);
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const json: Record<string, unknown> = {};
      if (opts.compare) {
        const rows = [];
        for (const backend of backends)
          for (const size of sizes) {
            log(`  ${backend} at ${size} px: standard, then frugal…`);
            rows.push(await compareProfiles(backend, size, { epochs: opts.epochs, microBatch: opts.microBatch }));
          }
        process.stdout.write(`${formatComparisons(rows)}\n`);
        json.comparisons = rows;
      }
      if (opts.recompute) {
        const rows = [];
        for (const backend of backends)
          for (const size of sizes) {
            log(`  ${backend} at ${size} px: frugal, encoder kept and recomputed…`);
            rows.push(await compareRecompute(backend, size, { repeats: opts.repeats, microBatch: opts.microBatch }));
          }
        process.stdout.write(`${formatRecompute(rows)}\n`);
        json.recompute = rows;
      }
      if (opts.errors || opts.calibrate) {
        const spaces = list(String(opts.spaces));
        const outcomes: MemoryOutcome[] = [];
        for (const backend of backends) {
          for (const point of spacePoints(backend, { defaults: spaces.includes('default'), study: spaces.includes('study') })) {
            const outcome = await measureInChild(point);
            log(
              `  ${backend} ${point.profile} ${point.patch} px, filters ${point.baseFilters}, batch ${point.batch}/${point.validationBatch}: ${isMeasured(outcome) ? `${outcome.peakMb.toFixed(0)} MB` : outcome.error}`,
            );
            outcomes.push(outcome);
          }
        }
        let calibration: MemoryCalibration | undefined;
        if (opts.calibrate) {
          calibration = calibrate(outcomes.filter(isMeasured));
          const file = fileURLToPath(new URL('../../backends/memory-calibration.ts', import.meta.url)).replace(
            /dist[\\/]backends/,
            'backends',
          );
          fs.writeFileSync(file, calibrationModule(calibration, fs.readFileSync(file, 'utf8')));
          process.stdout.write(`calibration written to ${file} (fitted to the measurements below)\n\n`);
        }
        process.stdout.write(formatErrorTable(errorRows(outcomes, calibration)));
        json.errors = outcomes;
      }
      if (opts.json) {
        writeJson(opts.json, json);
        process.stdout.write(`json: ${opts.json}\n`);
      }
    });
}
