// `npm run bench`: every benchmark of the project, each printing its table and its ratios
// against baselines measured in the same run.
import { runOptimizerBenchmarks } from '../src/benchmarks/optimizer-report.js';

const only = process.argv[2];
if (!only || only === 'optimizers') {
  process.stdout.write('== optimizers ==');
  await runOptimizerBenchmarks({ quick: process.argv.includes('--quick'), write: (text) => process.stdout.write(text) });
}
if (!only || only === 'metrics') {
  const metrics = await import('./metrics.js').catch((error: Error) => {
    process.stdout.write(`\n== metrics == unavailable: ${error.message}\n`);
    return undefined;
  });
  if (metrics) {
    process.stdout.write('\n== metrics ==\n');
    await metrics.run();
  }
}
