import { Command, CommanderError } from 'commander';
import { BandsterError } from '../core/errors.js';
import { benchCommand } from './bench-command.js';
import { demoCommand } from './demo-command.js';
import { runCommand } from './run-command.js';
import { summaryCommand } from './summary-command.js';
import { workerCommand } from './worker-command.js';

const program = new Command('bandster')
  .description('BOHB hyperparameter optimization for Node.js')
  .addCommand(runCommand())
  .addCommand(summaryCommand())
  .addCommand((await import('./report-command.js')).reportCommand())
  .addCommand(demoCommand())
  .addCommand(benchCommand())
  .addCommand(workerCommand())
  .addCommand((await import('./dataset-command.js')).datasetCommand())
  .addCommand((await import('./tune-command.js')).tuneCommand())
  .addCommand((await import('./compare-command.js')).compareCommand())
  .addCommand((await import('./export-command.js')).exportCommand())
  .exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof BandsterError) {
    process.stderr.write(`bandster: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
