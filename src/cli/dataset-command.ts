import { Command, InvalidArgumentError } from 'commander';
import { inspectDataset, type DatasetInspection } from '../segmentation/dataset-inspect.js';
import { generateSyntheticDataset, SYNTHETIC_DATASET_DEFAULTS } from '../segmentation/synthetic-dataset.js';
import { CLASSES } from '../segmentation/types.js';
import { integer, number } from './cli-values.js';
import { printErr, printOut } from './terminal-text.js';

/** `bandster dataset info|synth`: what an aerial dataset holds, and synthetic ones in its layout. */
export function datasetCommand(): Command {
  const dataset = new Command('dataset').description('aerial segmentation datasets: inspect one, or write a synthetic one');

  dataset
    .command('info')
    .description('tiles, images, patches and class pixels of a dataset, and every problem with it (exit 2 when there are problems)')
    .argument('<dir>', 'dataset root holding "Tile N/images" and "Tile N/masks"')
    .requiredOption('--patch <n>', 'patch side length in pixels (256 in the study)', positive('--patch'))
    .option('--json', 'print the inspection as JSON', false)
    .action(async (dir: string, opts: { patch: number; json: boolean }) => {
      const inspection = await inspectDataset(dir, { patchSize: opts.patch });
      printOut(opts.json ? `${JSON.stringify(inspection, null, 1)}\n` : formatInspection(inspection));
      for (const warning of inspection.warnings) printErr(`warning: ${warning.file}: ${warning.message}\n`);
      // The text report lists the problems itself; with --json stdout is for machines, so name them on stderr too.
      if (opts.json) for (const problem of inspection.problems) printErr(`error: ${problem.file}: ${problem.message}\n`);
      if (inspection.problems.length > 0) {
        printErr(`error: ${inspection.problems.length} problem${inspection.problems.length === 1 ? '' : 's'} in ${dir}\n`);
        process.exitCode = 2;
      }
    });

  dataset
    .command('synth')
    .description('write a synthetic aerial dataset (JPEG images, PNG masks in the six class colours) in the real layout')
    .requiredOption('--out <dir>', 'folder to write (must be empty unless --overwrite)')
    .requiredOption('--seed <n>', 'seed of every random choice (same seed, same bytes)', integer('--seed'))
    .option('--tiles <n>', 'number of tiles', positive('--tiles'), SYNTHETIC_DATASET_DEFAULTS.tiles)
    .option(
      '--scale <f>',
      'image size relative to the real tiles (0.1–0.25 for quick CPU runs)',
      number('--scale'),
      SYNTHETIC_DATASET_DEFAULTS.scale,
    )
    .option('--images-per-tile <n>', 'images in each tile', positive('--images-per-tile'), SYNTHETIC_DATASET_DEFAULTS.imagesPerTile)
    .option('--overwrite', 'write into a folder that is not empty', false)
    .option('--json', 'print what was written as JSON', false)
    .action(
      async (opts: {
        out: string;
        seed: number;
        tiles: number;
        scale: number;
        imagesPerTile: number;
        overwrite: boolean;
        json: boolean;
      }) => {
        const started = performance.now();
        const summary = await generateSyntheticDataset(opts.out, {
          seed: opts.seed,
          tiles: opts.tiles,
          scale: opts.scale,
          imagesPerTile: opts.imagesPerTile,
          overwrite: opts.overwrite,
        });
        const seconds = (performance.now() - started) / 1000;
        if (opts.json) {
          printOut(`${JSON.stringify({ ...summary, seconds }, null, 1)}\n`);
          return;
        }
        const lines = [`wrote ${summary.images} images in ${summary.tiles.length} tiles to ${summary.root} (${seconds.toFixed(1)} s)`];
        for (const tile of summary.tiles) lines.push(`  ${tile.name.padEnd(8)} ${tile.images} images of ${tile.width}×${tile.height}`);
        printOut(`${lines.join('\n')}\n`);
      },
    );

  return dataset;
}

function positive(flag: string): (value: string) => number {
  const parse = integer(flag);
  return (value) => {
    const parsed = parse(value);
    if (parsed < 1) throw new InvalidArgumentError(`${flag} must be an integer >= 1 (got ${JSON.stringify(value)})`);
    return parsed;
  };
}

/** The human-readable report: one line per tile, the class pixel counts, and how many problems. */
export function formatInspection(inspection: DatasetInspection): string {
  const { patchSize } = inspection;
  const lines = [
    `dataset ${inspection.root}: ${inspection.tiles.length} tiles, ${inspection.totalImages} images, ${inspection.totalPatches} patches of ${patchSize}×${patchSize}`,
  ];
  const nameWidth = Math.max(4, ...inspection.tiles.map(({ name }) => name.length));
  for (const tile of inspection.tiles) {
    const sizes = new Map<string, number>();
    for (const { width, height } of tile.sizes) sizes.set(`${width}×${height}`, (sizes.get(`${width}×${height}`) ?? 0) + 1);
    const sizeText = [...sizes].map(([size, count]) => (sizes.size === 1 ? size : `${size} (${count})`)).join(', ') || '-';
    lines.push(
      `  ${tile.name.padEnd(nameWidth)}  ${String(tile.images).padStart(3)} images  ${String(tile.patches).padStart(6)} patches  ${sizeText}`,
    );
  }
  const total = inspection.pixelsPerClass.reduce((sum, count) => sum + count, 0);
  const inPatches = inspection.patchPixelsPerClass.reduce((sum, count) => sum + count, 0);
  lines.push('pixels per class        whole masks            in patches');
  for (const { id, name } of CLASSES) {
    const count = inspection.pixelsPerClass[id];
    const patchCount = inspection.patchPixelsPerClass[id];
    lines.push(
      `  ${id} ${name.padEnd(11)} ${String(count).padStart(12)} ${percent(count, total)}  ${String(patchCount).padStart(12)} ${percent(patchCount, inPatches)}`,
    );
  }
  if (inspection.unknownPixels > 0) lines.push(`  ? unknown     ${String(inspection.unknownPixels).padStart(12)}`);
  lines.push(
    inspection.problems.length === 0
      ? 'no problems'
      : `${inspection.problems.length} problem${inspection.problems.length === 1 ? '' : 's'}:`,
  );
  for (const problem of inspection.problems) lines.push(`  ${problem.file}: ${problem.message}`);
  return `${lines.join('\n')}\n`;
}

function percent(count: number, total: number): string {
  return `${total === 0 ? '   -  ' : `${((100 * count) / total).toFixed(1).padStart(5)}%`}`;
}
