import { Command } from 'commander';
import { Search, type SearchOptions } from '../core/search.js';
import { readRunSettings } from '../storage/run-settings.js';
import { addFlags, type FlagTable, inFlagTerms, readFlags, text } from './flags.js';
import { formatSummary } from './print-summary.js';
import { runSearchFromCli } from './run-search.js';
import { MEMORY_BUDGET_FLAG, type MemoryCliOptions } from './memory-flags.js';
import { memoryBudgetForModule } from './memory-budget-module.js';
import { readSpaceFile } from './space-file.js';
import { EXECUTOR_FLAGS, type ExecutorFlagOptions, executorSpecFromFlags, SEARCH_FLAGS } from './search-flags.js';
import { printErr, printOut } from './terminal-text.js';

/** What `run` reads itself: the space file, the objective module and the output form. */
interface RunInputs {
  readonly space: string;
  readonly objective: string;
  readonly json: boolean;
}

const RUN_INPUT_FLAGS = {
  space: { flag: '--space <file>', description: 'configuration space (ConfigSpace JSON, 0.4 or 1.x schema)', parse: text, required: true },
  objective: {
    flag: '--objective <module>',
    description: 'ES module (JavaScript or TypeScript) exporting compute(config, budget, ctx)',
    parse: text,
    required: true,
  },
  json: { flag: '--json', description: 'print the result as JSON on stdout instead of a summary' },
} as const satisfies FlagTable<RunInputs>;

const RUN_SEARCH_FLAGS = {
  ...SEARCH_FLAGS,
  minBudget: { ...SEARCH_FLAGS.minBudget, required: true },
  maxBudget: { ...SEARCH_FLAGS.maxBudget, required: true },
  nIterations: { ...SEARCH_FLAGS.nIterations, defaultText: "10; with --resume, the log's" },
  logDir: { ...SEARCH_FLAGS.logDir, default: 'runs/latest' },
} as const;

export function runCommand(): Command {
  const command = new Command('run').description(
    'run a search: space from ConfigSpace JSON, objective from an ES module exporting compute(config, budget, ctx)',
  );
  addFlags(command, RUN_INPUT_FLAGS);
  addFlags(command, RUN_SEARCH_FLAGS);
  addFlags(command, EXECUTOR_FLAGS);
  addFlags(command, MEMORY_BUDGET_FLAG);
  return command.action(async (values: Record<string, unknown>) => {
    const inputs = readFlags<RunInputs>(values, RUN_INPUT_FLAGS) as RunInputs;
    const searchOptions = readFlags<SearchOptions>(values, RUN_SEARCH_FLAGS);
    const { memoryBudget } = readFlags<MemoryCliOptions>(values, MEMORY_BUDGET_FLAG);
    const logDir = searchOptions.logDir ?? RUN_SEARCH_FLAGS.logDir.default;
    try {
      const space = readSpaceFile(inputs.space);
      const spec = executorSpecFromFlags(
        readFlags<ExecutorFlagOptions>(values, EXECUTOR_FLAGS),
        { objective: inputs.objective, logDir, resume: searchOptions.resume, overwrite: searchOptions.overwrite },
        (message) => printErr(`warning: ${message}\n`),
      );
      // Resuming without --iterations continues with the log's count.
      const nIterations = searchOptions.nIterations ?? (searchOptions.resume ? readRunSettings(logDir)?.nIterations : undefined) ?? 10;
      const budget = memoryBudget === undefined ? undefined : await memoryBudgetForModule(memoryBudget, inputs.objective, spec);
      const search = new Search({
        ...searchOptions,
        space,
        executor: budget?.executor ?? spec,
        admission: budget?.admission,
        nIterations,
        logDir,
      });
      const { result, interrupted } = await runSearchFromCli(search, { progress: !inputs.json }).finally(() => budget?.executor.close());
      if (inputs.json) printOut(`${JSON.stringify(result.toJSON())}\n`);
      else {
        const note = interrupted ? ' (interrupted: run again with --resume to continue)' : '';
        printOut(`${formatSummary(result, `search finished${note}; logs in ${logDir}`)}\n`);
      }
    } catch (error) {
      throw inFlagTerms(error, RUN_INPUT_FLAGS, RUN_SEARCH_FLAGS, EXECUTOR_FLAGS, MEMORY_BUDGET_FLAG);
    }
  });
}
