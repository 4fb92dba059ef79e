/**
 * Option validation written once. Public constructors and functions check their options with
 * these before they allocate anything (piscina's style), so every message reads the same way —
 * `options.threads must be an integer >= 1 (got 0)` — naming the field and the value given, and
 * every failure is an {@link InvalidOptionError} (code `ERR_INVALID_OPTION`).
 *
 * Each check returns the value it accepted, typed, so a constructor reads
 * `this.capacity = checkInteger(options.threads ?? DEFAULTS.threads, 'options.threads', { min: 1 })`.
 */
import { InvalidOptionError } from './errors.js';

/**
 * The longest delay Node's timers accept: `setTimeout` and `setInterval` store it in a signed
 * 32-bit integer and replace anything longer with 1 ms (with a TimeoutOverflowWarning), so a
 * timeout of `Infinity` or of 30 days would fire at once. Every option that ends up in a timer
 * is bounded by it and a larger value is refused, rather than silently turned into 1 ms.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * A value as it should appear inside an error message: strings quoted, plain objects and arrays as
 * JSON, class instances by their class (`Uint8Array`); past 80 characters, shortened with `...`.
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'undefined':
      return 'undefined';
    case 'bigint':
      return `${value}n`;
    case 'function':
      return 'a function';
    case 'symbol':
      return value.toString();
    default: {
      if (value === null) return 'null';
      // An instance of a class (a typed array, an ArrayBuffer, a Map) says more by its class than as JSON.
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== null && prototype !== Object.prototype && prototype !== Array.prototype) {
        const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
        if (typeof name === 'string' && name !== '') return name;
      }
      let text: string | undefined;
      try {
        text = JSON.stringify(value);
      } catch {
        text = undefined;
      }
      if (text === undefined) return Array.isArray(value) ? 'an array' : 'an object';
      return text.length > 80 ? `${text.slice(0, 77)}...` : text;
    }
  }
}

/** The error for `field` holding `value`, which is not `requirement`: `options.x must be … (got …)`. */
export function invalidOption(field: string, requirement: string, value: unknown): InvalidOptionError {
  return new InvalidOptionError(`${field} must be ${requirement} (got ${describeValue(value)})`);
}

/** Bounds of a number: inclusive unless marked exclusive. */
export interface NumberBounds {
  readonly min?: number;
  readonly max?: number;
  /** `min` itself is refused (`> min`). @defaultValue false */
  readonly minExclusive?: boolean;
  /** `max` itself is refused (`< max`). @defaultValue false */
  readonly maxExclusive?: boolean;
}

/** `>= 1`, `in (0, 4]`, `<= 10`, or nothing, as the requirement of a number with these bounds. */
function describeBounds({ min, max, minExclusive = false, maxExclusive = false }: NumberBounds): string {
  if (min !== undefined && max !== undefined) return ` in ${minExclusive ? '(' : '['}${min}, ${max}${maxExclusive ? ')' : ']'}`;
  if (min !== undefined) return ` ${minExclusive ? '>' : '>='} ${min}`;
  if (max !== undefined) return ` ${maxExclusive ? '<' : '<='} ${max}`;
  return '';
}

function withinBounds(value: number, { min, max, minExclusive = false, maxExclusive = false }: NumberBounds): boolean {
  if (min !== undefined && !(minExclusive ? value > min : value >= min)) return false;
  if (max !== undefined && !(maxExclusive ? value < max : value <= max)) return false;
  return true;
}

/** An integer (`Number.isInteger`) within `bounds`: `${field} must be an integer >= 1 (got 0)`. */
export function checkInteger(value: unknown, field: string, bounds: NumberBounds = {}): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || !withinBounds(value, bounds)) {
    throw invalidOption(field, `an integer${describeBounds(bounds)}`, value);
  }
  return value;
}

/**
 * A number (never NaN) within `bounds`; with `finite`, also not ±Infinity (the requirement then
 * reads "a finite number"): `${field} must be a number in (0, 4] (got 0)`.
 */
export function checkNumber(value: unknown, field: string, bounds: NumberBounds & { readonly finite?: boolean } = {}): number {
  if (typeof value !== 'number' || Number.isNaN(value) || (bounds.finite && !Number.isFinite(value)) || !withinBounds(value, bounds)) {
    throw invalidOption(field, `${bounds.finite ? 'a finite number' : 'a number'}${describeBounds(bounds)}`, value);
  }
  return value;
}

/**
 * A job timeout in milliseconds, 0 for none: a number in [0, {@link MAX_TIMER_DELAY_MS}]. Every
 * executor takes its `timeoutMs` through this one check, so they agree on what they accept.
 */
export function checkTimeoutMs(value: unknown, field: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= MAX_TIMER_DELAY_MS)) {
    throw invalidOption(field, `a number in [0, ${MAX_TIMER_DELAY_MS}] (0 = no timeout)`, value);
  }
  return value;
}

/**
 * A delay in milliseconds that goes to a timer (a grace period, a polling interval, a lock's
 * duration): a number (an integer with `integer`) in [`min`, {@link MAX_TIMER_DELAY_MS}].
 */
export function checkDelayMs(
  value: unknown,
  field: string,
  { min = 0, integer = false }: { min?: number; integer?: boolean } = {},
): number {
  return integer
    ? checkInteger(value, field, { min, max: MAX_TIMER_DELAY_MS })
    : checkNumber(value, field, { min, max: MAX_TIMER_DELAY_MS });
}

/** A boolean. */
export function checkBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw invalidOption(field, 'a boolean', value);
  return value;
}

/** A string other than `''`. */
export function checkNonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw invalidOption(field, 'a non-empty string', value);
  return value;
}

/** A function. */
export function checkFunction<T extends (...args: never[]) => unknown>(value: unknown, field: string): T {
  if (typeof value !== 'function') throw invalidOption(field, 'a function', value);
  return value as T;
}

/** An object (not null; arrays count): the options argument itself, typically. */
export function checkObject<T>(value: T, field: string, requirement = 'an object'): T {
  if (value === null || typeof value !== 'object') throw invalidOption(field, requirement, value);
  return value;
}

/** One of `choices`: `${field} must be 'error' or 'unlabeled' (got "x")`. */
export function checkOneOf<T extends string | number | boolean>(value: unknown, field: string, choices: readonly T[]): T {
  if (!choices.includes(value as T)) throw invalidOption(field, describeOneOf(choices), value);
  return value as T;
}

/** `'a'`, `'a' or 'b'`, `'a', 'b' or 'c'`: choices as a requirement reads them. */
export function describeOneOf(choices: readonly (string | number | boolean)[]): string {
  const shown = choices.map((choice) => (typeof choice === 'string' ? `'${choice}'` : String(choice)));
  return shown.length <= 1 ? (shown[0] ?? 'nothing') : `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}`;
}
