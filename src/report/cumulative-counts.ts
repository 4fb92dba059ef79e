/** How many events have happened by each moment, overall and per group. */
import { checkNumber } from '../core/option-checks.js';
import type { StepPoint } from './concurrency-timeline.js';

/**
 * The running count of `times` as a step curve: one point per distinct time, holding the number of
 * times at or before it (simultaneous events count together). Empty for no times.
 * @throws InvalidOptionError when a time is not finite.
 */
export function cumulativeCounts(times: readonly number[]): StepPoint[] {
  times.forEach((time, i) => {
    checkNumber(time, `times[${i}]`, { finite: true });
  });
  const sorted = [...times].sort((a, b) => a - b);
  const points: StepPoint[] = [];
  sorted.forEach((time, i) => {
    if (points.length > 0 && points[points.length - 1].time === time) points[points.length - 1] = { time, value: i + 1 };
    else points.push({ time, value: i + 1 });
  });
  return points;
}

/**
 * {@link cumulativeCounts} of each group of `items`; groups in order of their keys' first appearance.
 * @param key - the group of an item (e.g. its budget).
 * @param time - when the item happened.
 */
export function cumulativeCountsBy<T, K>(items: readonly T[], key: (item: T) => K, time: (item: T) => number): Map<K, StepPoint[]> {
  const groups = new Map<K, number[]>();
  for (const item of items) {
    const group = key(item);
    let times = groups.get(group);
    if (times === undefined) groups.set(group, (times = []));
    times.push(time(item));
  }
  return new Map([...groups].map(([group, times]) => [group, cumulativeCounts(times)]));
}
