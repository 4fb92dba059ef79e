/** Seconds shown in the unit that suits a span: seconds, minutes or hours. */

/** A unit of wall time for an axis. */
export interface TimeUnit {
  /** Axis-title form, e.g. `'s'`, `'min'`, `'h'`. */
  readonly symbol: 's' | 'min' | 'h';
  /** Seconds per unit. */
  readonly seconds: number;
}

/** Seconds up to 15 minutes, minutes up to 10 hours, hours beyond. */
export function timeUnitFor(spanSeconds: number): TimeUnit {
  if (!(spanSeconds > 15 * 60)) return { symbol: 's', seconds: 1 };
  if (spanSeconds <= 10 * 3600) return { symbol: 'min', seconds: 60 };
  return { symbol: 'h', seconds: 3600 };
}

/** A duration for people: `0.84 s`, `12.5 s`, `7 min 05 s`, `3 h 12 min`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  if (seconds < 60) return `${seconds < 10 ? seconds.toPrecision(2) : seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
