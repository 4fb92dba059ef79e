import { Command } from 'commander';
import { runOptimizerBenchmarks } from '../benchmarks/optimizer-report.js';
import { benchBackendsCommand } from './bench-backends-command.js';

export function benchCommand(): Command {
  const bench = new Command('bench').description('benchmarks');
  bench
    .command('optimizers')
    .description('propose() latency, orchestration throughput and counting-ones sample efficiency')
    .option('--quick', 'fewer repeats and seeds (a smoke run)', false)
    .action(async (opts) => {
      await runOptimizerBenchmarks({ quick: opts.quick, write: (text) => process.stdout.write(text) });
    });
  bench.addCommand(benchBackendsCommand());
  return bench;
}
