import type { Result } from '../core/result.js';
import { configIdKey } from '../core/types.js';
import { forTerminal } from './terminal-text.js';

/**
 * A short human summary of a result: the incumbent, the counts, and the best configurations;
 * control characters of names and values escaped for the terminal.
 */
export function formatSummary(result: Result, title: string, top = 5): string {
  return forTerminal(summaryLines(result, title, top));
}

function summaryLines(result: Result, title: string, top: number): string {
  const lines: string[] = [title];
  const incumbent = result.incumbent();
  lines.push(
    `  runs: ${result.nRuns} (${result.nFailed} failed) over ${result.nConfigs} configurations; budgets ${result.budgets.join(', ')}`,
  );
  if (!incumbent) {
    lines.push('  no configuration finished at the max budget yet');
    return lines.join('\n');
  }
  lines.push(`  incumbent ${configIdKey(incumbent.configId)}: loss ${incumbent.loss} at budget ${incumbent.budget}`);
  for (const [name, value] of Object.entries(incumbent.config)) lines.push(`    ${name} = ${JSON.stringify(value)}`);
  const best = result.best(top);
  if (best.length > 1) {
    lines.push(`  best ${best.length} at budget ${result.maxBudget}:`);
    lines.push('    config id     loss          model pick');
    const entries = result.idToConfig();
    for (const run of best) {
      const info = entries.get(configIdKey(run.configId))?.info;
      lines.push(
        `    ${configIdKey(run.configId).padEnd(13)} ${run.loss.toPrecision(8).padEnd(13)} ${info?.model_based_pick ? 'yes' : 'no'}`,
      );
    }
  }
  return lines.join('\n');
}
