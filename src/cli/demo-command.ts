import * as path from 'node:path';
import { Command } from 'commander';
import { countingOnes, countingOnesRegret } from '../benchmarks/counting-ones.js';
import { Search, type SearchOptions } from '../core/search.js';
import { addFlags, inFlagTerms, readFlags } from './flags.js';
import { formatSummary } from './print-summary.js';
import { runSearchFromCli } from './run-search.js';
import { SEARCH_FLAGS } from './search-flags.js';
import { printOut } from './terminal-text.js';

const DEMO_FLAGS = {
  optimizer: SEARCH_FLAGS.optimizer,
  nIterations: { ...SEARCH_FLAGS.nIterations, default: 16 },
  seed: { ...SEARCH_FLAGS.seed, description: 'seed of the benchmark and the search', default: 1 },
  logDir: { ...SEARCH_FLAGS.logDir, defaultText: 'runs/demo-<time>' },
  asynchronous: SEARCH_FLAGS.asynchronous,
} as const;

export function demoCommand(): Command {
  const command = new Command('demo').description(
    'the quick demo: BOHB on the counting-ones benchmark (8 binary + 8 continuous hyperparameters, budgets 9…729); `npm start` runs the segmentation job instead',
  );
  return addFlags(command, DEMO_FLAGS).action(async (values: Record<string, unknown>) => {
    const flags = readFlags<SearchOptions>(values, DEMO_FLAGS);
    const seed = flags.seed ?? DEMO_FLAGS.seed.default;
    const nIterations = flags.nIterations ?? DEMO_FLAGS.nIterations.default;
    const optimizer = flags.optimizer ?? 'bohb';
    const benchmark = countingOnes({ seed });
    const logDir = flags.logDir ?? path.join('runs', `demo-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    let search: Search;
    try {
      search = new Search({
        ...flags,
        space: benchmark.space,
        objective: benchmark.objective,
        minBudget: benchmark.minBudget,
        maxBudget: benchmark.maxBudget,
        eta: benchmark.eta,
        nIterations,
        seed,
        logDir,
      });
    } catch (error) {
      throw inFlagTerms(error, DEMO_FLAGS);
    }
    const { result } = await runSearchFromCli(search);
    const name = typeof optimizer === 'string' ? optimizer : optimizer.name;
    printOut(`${formatSummary(result, `counting ones (${name}, ${nIterations} iterations, seed ${seed})`)}\n`);
    const incumbent = result.incumbent();
    if (incumbent) {
      const trueLoss = benchmark.trueLoss(incumbent.config);
      printOut(
        `  true loss of the incumbent ${trueLoss.toFixed(4)} (optimum ${benchmark.optimum}); normalised regret ${countingOnesRegret(benchmark, trueLoss).toFixed(4)}\n`,
      );
    }
    printOut(`  logs (hpbandster format): ${logDir}\n  inspect them with: npx bandster summary ${logDir}\n`);
  });
}
