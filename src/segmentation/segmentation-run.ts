// What `bandster tune` records about the segmentation job beside the search logs (segmentation.json),
// and how the trained weights of one of its configurations are found again: from the checkpoint the
// trainer kept (--reuse-checkpoints) or, failing that, by retraining it exactly as the search did.
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Backend } from '../../backends/backend.js';
import type { BackendName } from '../../backends/index.js';
import { InvalidOptionError } from '../core/errors.js';
import { RunLogError } from '../storage/run-log-error.js';
import { RunLock } from '../storage/run-lock.js';
import { writeFileAtomic } from '../storage/write-file-atomic.js';
import { Result } from '../core/result.js';
import { type ConfigId, type Configuration, configIdKey, parseConfigIdKey } from '../core/types.js';
import { loadDataset } from './dataset-loader.js';
import { initBackend } from './segmentation-job.js';
import { CHECKPOINT_PREFIX, trainModel } from './trainer.js';
import type { TrainerDefaults } from './trainer-settings.js';

export const SEGMENTATION_RUN_FILE = 'segmentation.json';

/** The data, net and backend a segmentation search trained with: enough to retrain any of its configurations. */
export interface SegmentationRunSettings extends TrainerDefaults {
  /** The dataset root (absolute). */
  readonly data: string;
  /** The scale of the synthetic dataset generated there, when bandster generated it. */
  readonly synthScale?: number;
  readonly patch: number;
  /** 0 = every patch. */
  readonly maxPatches: number;
  readonly seed: number;
  /** The backend that trained (after `auto` chose). */
  readonly backend: BackendName;
  readonly reuseCheckpoints: boolean;
  /** Where each configuration's working directory (and checkpoints) live: <run>/work/<i_j_k>. */
  readonly workdir: string;
}

/**
 * Records how a `tune` run trains (segmentation.json). Written just before the search takes the
 * run directory's lock, so a directory another process is writing is refused first (RunLockError
 * naming the holder): the settings there stay the ones that process trains with.
 */
export function writeSegmentationRunSettings(runDir: string, settings: SegmentationRunSettings): void {
  RunLock.refuseIfHeld(runDir);
  fs.mkdirSync(runDir, { recursive: true });
  writeFileAtomic(path.join(runDir, SEGMENTATION_RUN_FILE), `${JSON.stringify(settings, null, 2)}\n`);
}

export function readSegmentationRunSettings(runDir: string): SegmentationRunSettings | undefined {
  const file = path.join(runDir, SEGMENTATION_RUN_FILE);
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as SegmentationRunSettings;
  } catch (error) {
    throw new RunLogError('ERR_RUN_LOG_CORRUPT', file, undefined, `cannot be read: ${(error as Error).message}`);
  }
}

/** A configuration's trained weights and where they came from. */
export interface TrainedWeights {
  readonly configId: ConfigId;
  readonly config: Configuration;
  readonly epochs: number;
  /** A checkpoint in any backend's format (backends/state-codec.ts). */
  readonly state: Uint8Array;
  /** 'checkpoint': the file the search's trainer kept; 'retrained': trained again from the run's settings. */
  readonly source: 'checkpoint' | 'retrained';
  readonly file?: string;
  /** The search's validation loss for this configuration and budget, and (retrained) the retrained one. */
  readonly loggedLoss: number;
  readonly retrainedLoss?: number;
}

export interface TrainedWeightsOptions {
  /** The configuration, as "i-j-k"; the incumbent when absent. */
  readonly configId?: string;
  /** Retrain on this backend instead of the one the search used. */
  readonly backend?: BackendName | Backend;
  /** Progress lines while retraining. */
  readonly log?: (line: string) => void;
}

/**
 * The trained weights of a configuration of a segmentation run (the incumbent by default), at the
 * largest budget it was trained for. The trainer keeps `checkpoint-epoch-<epochs>.bin` in the
 * configuration's working directory when the search ran with --reuse-checkpoints; that file is the
 * answer. Otherwise the configuration is trained again from scratch with the settings tune recorded
 * (segmentation.json): same data split, seed (mixed with the config id, as the search did) and
 * backend, so the weights are the search's own up to the backend's determinism — the retrained
 * validation loss is returned beside the logged one so that the caller can show they agree.
 */
export async function trainedWeights(runDir: string, options: TrainedWeightsOptions = {}): Promise<TrainedWeights> {
  const result = Result.fromDirectory(runDir);
  let configId: ConfigId;
  if (options.configId !== undefined) {
    try {
      configId = parseConfigIdKey(options.configId);
    } catch (error) {
      throw new InvalidOptionError(
        `--config must be a config id like 0-0-1 (got ${JSON.stringify(options.configId)}): ${(error as Error).message}`,
      );
    }
  } else {
    const incumbent = result.incumbent();
    if (!incumbent)
      throw new RunLogError(
        'ERR_RUN_LOG_NOT_FOUND',
        path.join(runDir, 'results.json'),
        undefined,
        'has no successful run on the largest budget: no incumbent to export',
      );
    configId = incumbent.configId;
  }
  const runs = result.runsOf(configId).filter((run) => run.loss !== null);
  const config = result.configOf(configId);
  if (!config || runs.length === 0)
    throw new InvalidOptionError(`--config ${configIdKey(configId)}: no successful run of that configuration in ${runDir}`);
  const last = runs.reduce((best, run) => (run.budget >= best.budget ? run : best));
  const epochs = Math.max(1, Math.round(last.budget));
  const settings = readSegmentationRunSettings(runDir);
  const workdir = settings?.workdir ?? path.join(runDir, 'work');
  const checkpoint = path.join(workdir, configId.join('_'), `${CHECKPOINT_PREFIX}${epochs}.bin`);
  if (fs.existsSync(checkpoint)) {
    return {
      configId,
      config,
      epochs,
      state: new Uint8Array(fs.readFileSync(checkpoint)),
      source: 'checkpoint',
      file: checkpoint,
      loggedLoss: last.loss!,
    };
  }
  if (!settings) {
    throw new RunLogError(
      'ERR_RUN_LOG_NOT_FOUND',
      path.join(runDir, SEGMENTATION_RUN_FILE),
      undefined,
      `is missing and there is no checkpoint (${checkpoint}): this run cannot be retrained (run bandster tune with --reuse-checkpoints to keep the weights)`,
    );
  }
  const log = options.log ?? (() => {});
  log(`no checkpoint at ${checkpoint}: retraining ${configIdKey(configId)} for ${epochs} epochs on ${settings.data}`);
  const dataset = await loadDataset(settings.data, {
    patchSize: settings.patch,
    seed: settings.seed,
    maxPatches: settings.maxPatches || undefined,
  });
  const backend = await initBackend(options.backend ?? settings.backend);
  const run = await trainModel(
    config,
    epochs,
    { ...settings, dataset, backend, reuseCheckpoints: false },
    {
      configId,
      signal: new AbortController().signal,
      report: (epoch, loss) => log(`  epoch ${epoch}: validation loss ${loss.toFixed(4)}`),
    },
  );
  try {
    return {
      configId,
      config,
      epochs,
      state: await run.model.exportState(),
      source: 'retrained',
      loggedLoss: last.loss!,
      retrainedLoss: run.history.at(-1)?.valLoss,
    };
  } finally {
    run.model.dispose();
    await backend.dispose();
  }
}
