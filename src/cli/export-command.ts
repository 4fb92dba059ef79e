import * as fs from 'node:fs';
import * as path from 'node:path';

import { Command, Option } from 'commander';

import { BACKEND_NAMES, type BackendName } from '../../backends/index.js';
import { exportInferenceModel } from '../../backends/onnxruntime/onnx-export.js';
import { configIdKey } from '../core/types.js';
import { trainedWeights } from '../segmentation/segmentation-run.js';

/** `bandster export`: a configuration's trained U-Net (the incumbent's by default) as a standard ONNX inference model. */
export function exportCommand(): Command {
  return new Command('export')
    .description(
      "write a segmentation run's incumbent (or --config) as a standard ONNX inference model: input images [N, H, W, 3] float in [0, 1], output class probabilities [N, H, W, classes]",
    )
    .requiredOption('--run <dir>', 'the run directory bandster tune wrote')
    .requiredOption('--out <file>', 'where the .onnx model goes')
    .option('--config <id>', 'the configuration to export, e.g. 0-0-2 (default: the incumbent)')
    .addOption(
      new Option('--backend <name>', "retrain on this backend when the run kept no checkpoint (default: the run's)").choices(BACKEND_NAMES),
    )
    .action(async (opts) => {
      const weights = await trainedWeights(opts.run, {
        configId: opts.config,
        backend: opts.backend as BackendName | undefined,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      const id = configIdKey(weights.configId);
      const exported = exportInferenceModel(weights.state, {
        'bandster.run': path.resolve(opts.run),
        'bandster.config_id': id,
        'bandster.config': JSON.stringify(weights.config),
        'bandster.epochs': String(weights.epochs),
        'bandster.validation_loss': String(weights.loggedLoss),
      });
      fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
      fs.writeFileSync(opts.out, exported.model);
      const { spec } = exported;
      const source =
        weights.source === 'checkpoint'
          ? `the checkpoint ${weights.file}`
          : `a retraining from the run's settings (validation loss ${weights.retrainedLoss?.toFixed(4)}; the search logged ${weights.loggedLoss.toFixed(4)})`;
      process.stdout.write(
        `${opts.out}: configuration ${id} after ${weights.epochs} epochs, from ${source}\n` +
          `  U-Net: ${spec.inputSize}×${spec.inputSize} px, base width ${spec.baseFilters}, depth ${spec.depth}, ${spec.classes} classes\n` +
          `  input  ${exported.input}: float32 [N, ${spec.inputSize}, ${spec.inputSize}, 3], RGB scaled to [0, 1] per patch and channel\n` +
          `  output ${exported.output}: float32 [N, ${spec.inputSize}, ${spec.inputSize}, ${spec.classes}], class probabilities\n`,
      );
      if (weights.source === 'retrained' && weights.retrainedLoss !== undefined) {
        const agree = Math.abs(weights.retrainedLoss - weights.loggedLoss) <= 1e-4 * Math.max(1, Math.abs(weights.loggedLoss));
        if (!agree) {
          process.stderr.write(
            `warning: the retrained weights' validation loss (${weights.retrainedLoss.toFixed(6)}) differs from the search's (${weights.loggedLoss.toFixed(6)}): the backend or data is not the one the search used, or the configuration was continued from a checkpoint\n`,
          );
        }
      }
    });
}
