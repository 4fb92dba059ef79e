import * as path from 'node:path';
import { Command, Option } from 'commander';
import { countingOnes, countingOnesRegret } from '../benchmarks/counting-ones.js';
import { Search } from '../core/search.js';
import { OPTIMIZER_NAMES, type OptimizerName } from '../optimizers/optimizer.js';
import { planFor, plannedEvaluations } from '../optimizers/bracket-plan.js';
import { integer, stopOnSignals } from './cli-values.js';
import { attachProgress } from './progress.js';
import { formatSummary } from './print-summary.js';

export function demoCommand(): Command {
  return new Command('demo')
    .description('the built-in demo: BOHB on the counting-ones benchmark (8 binary + 8 continuous hyperparameters, budgets 9…729)')
    .option('--iterations <n>', 'successive-halving iterations', integer('--iterations'), 16)
    .option('--seed <n>', 'seed', integer('--seed'), 1)
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(OPTIMIZER_NAMES).default('bohb'))
    .option('--log-dir <dir>', 'where the logs go (default: runs/demo-<time>)')
    .action(async (opts) => {
      const benchmark = countingOnes({ seed: opts.seed });
      const logDir: string = opts.logDir ?? path.join('runs', `demo-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      const search = new Search({
        space: benchmark.space,
        objective: benchmark.objective,
        optimizer: opts.optimizer as OptimizerName,
        minBudget: benchmark.minBudget,
        maxBudget: benchmark.maxBudget,
        eta: benchmark.eta,
        nIterations: opts.iterations,
        seed: opts.seed,
        logDir,
      });
      const budgets = { minBudget: benchmark.minBudget, maxBudget: benchmark.maxBudget, eta: benchmark.eta };
      const stopProgress = attachProgress(search, plannedEvaluations(planFor(opts.optimizer, budgets), opts.iterations));
      const result = await search.run({ signal: stopOnSignals() }).finally(stopProgress);
      process.stdout.write(
        `${formatSummary(result, `counting ones (${opts.optimizer}, ${opts.iterations} iterations, seed ${opts.seed})`)}\n`,
      );
      const incumbent = result.incumbent();
      if (incumbent) {
        const trueLoss = benchmark.trueLoss(incumbent.config);
        process.stdout.write(
          `  true loss of the incumbent ${trueLoss.toFixed(4)} (optimum ${benchmark.optimum}); normalised regret ${countingOnesRegret(benchmark, trueLoss).toFixed(4)}\n`,
        );
      }
      process.stdout.write(`  logs (hpbandster format): ${logDir}\n  inspect them with: npx bandster summary ${logDir}\n`);
    });
}
