/** What the charts comparing training runs share: one colour per run, and the check of the runs' labels. */
import { InvalidOptionError } from '../../core/errors.js';
import { checkNonEmptyString, invalidOption } from '../../core/option-checks.js';
import { CATEGORY_COLORS } from '../theme.js';

/** A colour encoding with one category colour per run, in the order given; its legend shows strokes (the runs are lines). */
export function runColor(labels: readonly string[], legendOrient: 'right' | 'top' = 'right') {
  return {
    field: 'run',
    type: 'nominal' as const,
    title: 'Run',
    legend: { symbolType: 'stroke', symbolStrokeWidth: 3, orient: legendOrient },
    scale: { domain: [...labels], range: labels.map((_, i) => CATEGORY_COLORS[i % CATEGORY_COLORS.length]) },
  };
}

/**
 * The runs' labels, each a non-empty string and all different (a legend cannot tell two runs of
 * the same name apart).
 * @throws InvalidOptionError naming `argument` otherwise.
 */
export function checkLabels(items: readonly { label: unknown }[], argument: string): string[] {
  if (!Array.isArray(items) || items.length === 0) throw invalidOption(argument, 'a non-empty array', items);
  const labels = items.map((item, i) => checkNonEmptyString(item?.label, `${argument}[${i}].label`));
  const duplicate = labels.find((label, i) => labels.indexOf(label) !== i);
  if (duplicate !== undefined)
    throw new InvalidOptionError(`${argument} has two runs labelled ${JSON.stringify(duplicate)}; labels must differ`);
  return labels;
}
