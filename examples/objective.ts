// An example objective for `bandster run` (README): a stand-in for a training run whose validation
// loss depends on the learning rate, batch size and optimizer the way real ones tend to, and falls
// with the budget (epochs). Replace the body with your own training loop.
//
//   npx bandster run --space examples/space.json --objective examples/objective.ts \
//     --min-budget 1 --max-budget 27 --iterations 8 --seed 1 --log-dir runs/example
import type { Configuration, TrialContext } from 'bandster';

export async function compute(
  config: Configuration,
  budget: number,
  ctx: TrialContext,
): Promise<{ loss: number; info: Record<string, unknown> }> {
  const lr = config.lr as number;
  const batchSize = config.batch_size as number;
  // Best near lr 3e-3 with Adam, 3e-2 with SGD (plus momentum); small batches are noisier.
  const bestLr = config.optimizer === 'adam' ? 3e-3 : 3e-2;
  const lrPenalty = Math.log10(lr / bestLr) ** 2;
  const momentumPenalty = config.optimizer === 'sgd' ? (0.9 - (config.momentum as number)) ** 2 : 0;
  const floor = 0.1 + 0.3 * lrPenalty + momentumPenalty + 0.02 * Math.log2(batchSize / 32) ** 2;
  let loss = Number.NaN;
  for (let epoch = 1; epoch <= Math.round(budget); epoch++) {
    if (ctx.signal.aborted) throw new Error('stopped');
    loss = floor + 1 / (epoch * (1 + 10 * lr));
    ctx.report(epoch, loss);
  }
  return { loss, info: { epochs: Math.round(budget) } };
}
