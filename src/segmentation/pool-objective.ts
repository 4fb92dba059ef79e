// The segmentation objective as a module for the thread pool: each thread reads the patches
// from the shared memory it was handed once and initialises its own backend once.
import type { Backend } from '../../backends/backend.js';
import type { Configuration, ObjectiveResult } from '../core/types.js';
import { threadSharedData, type ThreadTrialContext } from '../executors/thread-pool-shared.js';
import { initBackend, segmentationJobFromShared, type SegmentationJobSettings } from './segmentation-job.js';
import { trainObjective } from './trainer.js';
import { TrainingError } from './training-error.js';
import type { SegmentationDataset } from './types.js';

let thread: Promise<{ dataset: SegmentationDataset; settings: SegmentationJobSettings; backend: Backend }> | undefined;

function threadContext() {
  thread ??= (async () => {
    const shared = threadSharedData();
    if (shared === undefined || shared instanceof SharedArrayBuffer)
      throw new TrainingError(
        'ERR_TRAINING_SHARED_DATA',
        'the segmentation objective needs the shared data made by segmentationSharedData',
      );
    const { dataset, settings } = segmentationJobFromShared(shared);
    return { dataset, settings, backend: await initBackend(settings.backend) };
  })();
  return thread;
}

// Loaded with the thread (the pool's start-up probe waits for it), so that a memory budget measures
// the process with every thread's backend up before the first trial.
if (threadSharedData() !== undefined) await threadContext().catch(() => undefined);

export async function compute(config: Configuration, budget: number, ctx: ThreadTrialContext): Promise<ObjectiveResult> {
  const { dataset, settings, backend } = await threadContext();
  return trainObjective(config, budget, ctx, { ...settings, dataset, backend });
}
