import { Command, CommanderError } from 'commander';
import { BandsterError } from '../core/errors.js';
import { benchCommand } from './bench-command.js';
import { demoCommand } from './demo-command.js';
import { runCommand } from './run-command.js';
import { summaryCommand } from './summary-command.js';
import { workerCommand } from './worker-command.js';

const program = new Command('bandster')
  .description('BOHB hyperparameter optimization for Node.js')
  .option('--debug', 'print the stack of an error, not only its message')
  .addCommand(runCommand())
  .addCommand(summaryCommand())
  .addCommand((await import('./report-command.js')).reportCommand())
  .addCommand(demoCommand())
  .addCommand(benchCommand())
  .addCommand(workerCommand())
  .addCommand((await import('./dataset-command.js')).datasetCommand())
  .addCommand((await import('./tune-command.js')).tuneCommand())
  .addCommand((await import('./compare-command.js')).compareCommand())
  .addCommand((await import('./serve-command.js')).serveCommand())
  .addCommand((await import('./dashboard-command.js')).dashboardCommand())
  .exitOverride();

/** Exit status of a run stopped by an error the user can fix (a bad flag, file or option). */
const EXIT_USER_ERROR = 2;

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  const debug = process.argv.includes('--debug');
  if (error instanceof BandsterError) {
    process.stderr.write(`error: ${error.message}\n`);
    if (debug) process.stderr.write(`${error.code}\n${error.stack}\n`);
    process.exit(EXIT_USER_ERROR);
  }
  // Anything else is a bug in bandster (or in the user's objective outside a job): show the stack.
  throw error;
}
