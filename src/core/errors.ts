/**
 * Errors carry a stable `code` so that callers branch on it, never on a message (BullMQ's
 * one-error-per-class style). The root and the errors every area shares live here; each area has
 * its own error file with a code union documenting every code it throws:
 *
 * - `space/space-error.ts`: configurations outside their space, unreadable ConfigSpace JSON;
 * - `storage/run-log-error.ts`: run directories that cannot be read or written;
 * - `executors/executor-error.ts`: closed executors, objective modules that cannot be loaded;
 * - `distributed/distributed-error.ts`: Redis connections, workers;
 * - `segmentation/dataset-error.ts` and `segmentation/training-error.ts`: datasets, training runs;
 * - `report/report-error.ts`: fonts, rendering, writing reports;
 * - `metrics/native-addon-error.ts`: the native addon.
 *
 * The CLI prints any BandsterError as `error: <message>` (exit code 2); anything else is a bug.
 */
export class BandsterError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * A value given by the user (an option, a configuration value, an argument, a CLI flag) is not
 * acceptable. Messages name the field and the value: `options.eta must be a number > 1 (got 1)`
 * (see `core/option-checks.ts`, which builds most of them).
 */
export class InvalidOptionError extends BandsterError {
  declare readonly code: 'ERR_INVALID_OPTION';
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_INVALID_OPTION', message, options);
  }
}

/** A search, or a training run, was stopped through its AbortSignal. */
export class AbortedError extends BandsterError {
  declare readonly code: 'ERR_ABORTED';
  constructor(message = 'the search was aborted') {
    super('ERR_ABORTED', message);
  }
}

/**
 * An objective ran out of memory (a backend could not allocate, or a memory cap stopped it). Thrown
 * by an objective, it becomes a failed outcome of kind 'out-of-memory' (not 'threw'), which a memory
 * budget's admission rule may retry in a lighter profile.
 */
export class OutOfMemoryError extends BandsterError {
  declare readonly code: 'ERR_OUT_OF_MEMORY';
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_OUT_OF_MEMORY', message, options);
  }
}
