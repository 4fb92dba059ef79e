import { SingleBar, Presets } from 'cli-progress';
import type { Search } from '../core/search.js';
import { configIdKey } from '../core/types.js';

/**
 * A progress bar on a terminal (stderr), silent elsewhere: evaluations done out of those
 * planned, the best loss so far and its budget. Planned grows when failures are refilled.
 */
export function attachProgress(search: Search, plannedEvaluations: number, stream: NodeJS.WriteStream = process.stderr): () => void {
  if (!stream.isTTY) return () => {};
  const bar = new SingleBar(
    {
      format: 'search |{bar}| {value}/{total} evaluations | best {best} @ budget {budget} | {failed} failed',
      hideCursor: true,
      stream,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  let total = plannedEvaluations;
  let done = 0;
  let failed = 0;
  bar.start(total, 0, { best: '-', budget: '-', failed: 0 });
  search.on('job:finished', ({ run }) => {
    done++;
    if (run.loss === null) failed++;
    if (done > total) total = done;
    bar.setTotal(total);
    bar.update(done, { failed });
  });
  search.on('incumbent', ({ loss, budget, configId }) => bar.update({ best: `${loss.toPrecision(5)} (${configIdKey(configId)})`, budget }));
  return () => bar.stop();
}
