import * as path from 'node:path';
import { Command } from 'commander';
import { Result } from '../core/result.js';
import { integer, number } from './cli-values.js';
import { printErr, printOut } from './terminal-text.js';

export function reportCommand(): Command {
  return new Command('report')
    .description(
      'draw the search analysis of a run directory (ours or one written by hpbandster) as PNG pictures and one self-contained report.html',
    )
    .argument('<dir>', 'run directory with configs.json and results.json')
    .option(
      '--out <dir>',
      'folder for the pictures and report.html (default: ./report-<run folder name>, so the run directory is never modified)',
    )
    .option('--title <text>', 'heading of the report')
    .option('--top <n>', 'best configurations to list', integer('--top'), 10)
    .option('--width <px>', 'picture width in CSS pixels', number('--width'), 900)
    .option('--scale <factor>', 'pixel density of the PNGs (2 = twice the width in pixels)', number('--scale'), 2)
    .option('--json', 'print the written files as JSON', false)
    .action(async (dir: string, opts) => {
      // vega, resvg and sharp load only when a report is drawn, not on every bandster command.
      const { writeSearchReport } = await import('../report/search-report.js');
      const result = Result.fromDirectory(dir);
      for (const warning of result.warnings) printErr(`warning: ${warning}\n`);
      const out = opts.out ?? `report-${path.basename(path.resolve(dir))}`;
      const written = await writeSearchReport(result, out, {
        title: opts.title ?? `Search report: ${path.basename(path.resolve(dir))}`,
        source: dir,
        top: opts.top,
        width: opts.width,
        scale: opts.scale,
      });
      if (opts.json) {
        printOut(`${JSON.stringify(written, null, 1)}\n`);
        return;
      }
      const lines = [`report ${written.html}`];
      for (const picture of written.pictures)
        lines.push(`  ${path.basename(picture.file).padEnd(26)} ${picture.width}×${picture.height}  ${picture.title}`);
      for (const skipped of written.skipped) lines.push(`  ${`${skipped.name}.png`.padEnd(26)} not drawn: ${skipped.reason}`);
      printOut(`${lines.join('\n')}\n`);
    });
}
