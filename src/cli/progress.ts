import { Presets, SingleBar } from 'cli-progress';
import type { Search } from '../core/search.js';
import { configIdKey } from '../core/types.js';

/**
 * Progress of a search on stderr. On a terminal: a bar with evaluations done out of those
 * planned, the best loss so far and its budget (planned grows when failures are refilled).
 * Elsewhere (CI, nohup, a service log) a line per finished iteration — or per tenth of the plan
 * for an asynchronous search, which has no iterations — and one per new incumbent, so that a long
 * run is never silent for minutes.
 */
export function attachProgress(search: Search, plannedEvaluations: number, stream: NodeJS.WriteStream = process.stderr): () => void {
  return stream.isTTY ? progressBar(search, plannedEvaluations, stream) : progressLines(search, plannedEvaluations, stream);
}

function progressBar(search: Search, plannedEvaluations: number, stream: NodeJS.WriteStream): () => void {
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

function progressLines(search: Search, plannedEvaluations: number, stream: NodeJS.WriteStream): () => void {
  const started = Date.now();
  let done = 0;
  let failed = 0;
  let sawIteration = false;
  let best = '-';
  const step = Math.max(1, Math.round(plannedEvaluations / 10));
  const elapsed = (): string => {
    const seconds = Math.round((Date.now() - started) / 1000);
    return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  };
  const say = (what: string): void => {
    stream.write(`[${elapsed()}] ${what}: ${done}/${Math.max(done, plannedEvaluations)} evaluations, ${failed} failed, best ${best}\n`);
  };
  const onFinished = ({ run, restored }: { run: { loss: number | null }; restored: boolean }): void => {
    done++;
    if (run.loss === null) failed++;
    if (!sawIteration && !restored && done % step === 0) say('progress');
  };
  const onIteration = ({ iteration }: { iteration: number }): void => {
    sawIteration = true;
    say(`iteration ${iteration} done`);
  };
  const onIncumbent = ({ loss, budget, configId }: { loss: number; budget: number; configId: readonly [number, number, number] }): void => {
    best = `${loss.toPrecision(5)} (${configIdKey(configId)} @ budget ${budget})`;
    stream.write(`[${elapsed()}] new incumbent ${best}\n`);
  };
  search.on('job:finished', onFinished);
  search.on('iteration:finished', onIteration);
  search.on('incumbent', onIncumbent);
  return () => {
    search.off('job:finished', onFinished);
    search.off('iteration:finished', onIteration);
    search.off('incumbent', onIncumbent);
  };
}
