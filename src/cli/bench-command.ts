import { Command } from 'commander';
import { DEFAULT_COMPARISON_SEEDS, DEFAULT_PARALLEL_SEEDS, runOptimizerBenchmarks } from '../benchmarks/optimizer-report.js';
import { benchBackendsCommand } from './bench-backends-command.js';
import { benchMemoryCommand } from './bench-memory-command.js';
import { integer } from './cli-values.js';

export function benchCommand(): Command {
  const bench = new Command('bench').description('benchmarks');
  bench
    .command('optimizers')
    .description('propose() latency, throughput, and sample efficiency of every optimizer on five benchmarks (table, JSON, PNG)')
    .option('--quick', 'fewer repeats and seeds (a smoke run)', false)
    .option('--out <dir>', 'where optimizer-comparison.json and .png are written', 'runs/bench-optimizers')
    .option(
      '--seeds <n>',
      `seeds of the sample-efficiency and parallel comparisons (default ${DEFAULT_COMPARISON_SEEDS} and ${DEFAULT_PARALLEL_SEEDS}, 3 with --quick)`,
      integer('--seeds'),
    )
    .action(async (opts) => {
      await runOptimizerBenchmarks({
        quick: opts.quick,
        outDir: opts.out,
        seeds: opts.seeds,
        seedsField: '--seeds',
        write: (text) => process.stdout.write(text),
      });
    });
  bench.addCommand(benchBackendsCommand());
  bench.addCommand(benchMemoryCommand());
  return bench;
}
