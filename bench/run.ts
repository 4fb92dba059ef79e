// `npm run bench [name] [--quick] [--recompute]`: every benchmark of the project, each printing its table and
// its ratios against baselines measured in the same run.
import { runOptimizerBenchmarks } from '../src/benchmarks/optimizer-report.js';

const only = process.argv.slice(2).find((arg) => !arg.startsWith('--'));
const quick = process.argv.includes('--quick');
const recompute = process.argv.includes('--recompute');
const modules: Record<string, string> = {
  metrics: './metrics.js',
  parallel: './parallel.js',
  distributed: './dispatch-bullmq.js',
  backends: './backends.js',
  memory: './memory.js',
  service: './service.js',
  validation: './validation-batch.js',
  scheduler: './scheduler.js',
};

if (!only || only === 'optimizers') {
  process.stdout.write('== optimizers ==');
  await runOptimizerBenchmarks({ quick, outDir: 'runs/bench-optimizers', write: (text) => process.stdout.write(text) });
}
for (const [name, path] of Object.entries(modules)) {
  if (only && only !== name) continue;
  process.stdout.write(`\n== ${name} ==\n`);
  const bench = (await import(path).catch((error: Error) => {
    process.stdout.write(`unavailable: ${error.message}\n`);
    return undefined;
  })) as { run: (options?: { quick?: boolean; recompute?: boolean }) => Promise<void> } | undefined;
  await bench?.run({ quick, recompute });
}
