import { Command, CommanderError } from 'commander';
import { BandsterError } from '../core/errors.js';
import { EXIT_CODES } from './exit-codes.js';
import { printErr } from './terminal-text.js';

/**
 * Every sub-command with a one-line summary for `bandster --help` and the module that defines it.
 * Only the command being run is imported: `bandster --help` and `bandster summary` never load
 * tfjs, vega, sharp or esbuild (a sub-command imports its heavy parts inside its action).
 */
const COMMANDS: readonly { readonly name: string; readonly summary: string; readonly load: () => Promise<Command> }[] = [
  {
    name: 'run',
    summary: 'run a search: ConfigSpace JSON space, objective module',
    load: async () => (await import('./run-command.js')).runCommand(),
  },
  {
    name: 'tune',
    summary: 'the main job: BOHB tunes the U-Net segmentation trainer',
    load: async () => (await import('./tune-command.js')).tuneCommand(),
  },
  {
    name: 'compare',
    summary: 'train with default and tuned hyperparameters side by side',
    load: async () => (await import('./compare-command.js')).compareCommand(),
  },
  {
    name: 'export',
    summary: "a run's incumbent as a standard ONNX inference model",
    load: async () => (await import('./export-command.js')).exportCommand(),
  },
  {
    name: 'summary',
    summary: "summarise a run directory (ours or hpbandster's)",
    load: async () => (await import('./summary-command.js')).summaryCommand(),
  },
  {
    name: 'report',
    summary: 'draw the analysis of a run directory as PNGs and report.html',
    load: async () => (await import('./report-command.js')).reportCommand(),
  },
  {
    name: 'dataset',
    summary: 'inspect an aerial dataset, or write a synthetic one',
    load: async () => (await import('./dataset-command.js')).datasetCommand(),
  },
  {
    name: 'worker',
    summary: 'evaluate the jobs of distributed searches from Redis',
    load: async () => (await import('./worker-command.js')).workerCommand(),
  },
  { name: 'demo', summary: 'the quick demo: BOHB on counting ones', load: async () => (await import('./demo-command.js')).demoCommand() },
  {
    name: 'serve',
    summary: 'an HTTP ask/tell service for many studies, with a live dashboard',
    load: async () => (await import('./serve-command.js')).serveCommand(),
  },
  {
    name: 'dashboard',
    summary: 'a live dashboard of a run directory being written',
    load: async () => (await import('./dashboard-command.js')).dashboardCommand(),
  },
  { name: 'bench', summary: 'benchmarks', load: async () => (await import('./bench-command.js')).benchCommand() },
];

const program = new Command('bandster')
  .description('BOHB hyperparameter optimization for Node.js')
  .option('--debug', 'print the stack of an error, not only its message')
  .exitOverride();

// The first argument that names a command decides which module is loaded; the others stay placeholders
// that only list themselves in --help.
const requested = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
for (const entry of COMMANDS) {
  const command = entry.name === requested ? await entry.load() : new Command(entry.name);
  program.addCommand(command.summary(entry.summary));
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof BandsterError) {
    printErr(`error: ${error.message}\n`);
    if (process.argv.includes('--debug')) printErr(`${error.code}\n${error.stack}\n`);
    process.exit(EXIT_CODES.userError);
  }
  // Anything else is a bug in bandster (or in the user's objective outside a job): show the stack.
  throw error;
}
