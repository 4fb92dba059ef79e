/** How many runs were in progress at each moment, from their start and end times. */
import { checkNumber } from '../core/option-checks.js';

/** A value that holds from `time` until the next point's time (a step-after curve). */
export interface StepPoint {
  readonly time: number;
  readonly value: number;
}

/** Something that runs from `start` to `end` (same unit, e.g. seconds). */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

/**
 * The number of intervals in progress over time, as a step curve: one point per moment at which
 * the count changes, holding the count *after* every start and end at that moment. An interval
 * covers [start, end): one that ends when another starts does not overlap it, and one of zero
 * length never counts. The curve starts at the earliest start and ends at 0 at the latest end;
 * empty for no intervals.
 * @throws InvalidOptionError when an interval has a non-finite bound or ends before it starts.
 */
export function concurrencyTimeline(intervals: readonly Interval[]): StepPoint[] {
  const changes = new Map<number, number>();
  intervals.forEach(({ start, end }, i) => {
    checkNumber(start, `intervals[${i}].start`, { finite: true });
    checkNumber(end, `intervals[${i}].end`, { finite: true, min: start });
    changes.set(start, (changes.get(start) ?? 0) + 1);
    changes.set(end, (changes.get(end) ?? 0) - 1);
  });
  const points: StepPoint[] = [];
  let running = 0;
  for (const time of [...changes.keys()].sort((a, b) => a - b)) {
    running += changes.get(time)!;
    // Keep the first point (where the curve begins) and every real change.
    if (points.length === 0 || points[points.length - 1].value !== running) points.push({ time, value: running });
  }
  return points;
}

/** The largest value of a step curve; 0 when it is empty. */
export function peakValue(points: readonly StepPoint[]): number {
  return points.reduce((peak, point) => Math.max(peak, point.value), 0);
}
