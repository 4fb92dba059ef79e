import { Command } from 'commander';
import { Result } from '../core/result.js';
import { formatSummary } from './print-summary.js';
import { printErr, printOut } from './terminal-text.js';

export function summaryCommand(): Command {
  return new Command('summary')
    .description('summarise a run directory (ours or one written by hpbandster)')
    .argument('<dir>', 'run directory with configs.json and results.json')
    .option('--json', 'print hpbandster-style summary as JSON', false)
    .option('--top <n>', 'best configurations to list', (value) => Number.parseInt(value, 10), 5)
    .action((dir: string, opts) => {
      const result = Result.fromDirectory(dir);
      for (const warning of result.warnings) printErr(`warning: ${warning}\n`);
      if (opts.json) printOut(`${JSON.stringify(result.summary(), null, 1)}\n`);
      else printOut(`${formatSummary(result, `run ${dir}`, opts.top)}\n`);
    });
}
