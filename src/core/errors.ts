/**
 * Errors carry a stable `code` so that callers branch on it, never on a message
 * (BullMQ's one-error-per-class style).
 */
export class BandsterError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A value given by the user (option, configuration, CLI flag) is not acceptable. */
export class InvalidOptionError extends BandsterError {
  constructor(message: string) {
    super('ERR_INVALID_OPTION', message);
  }
}

/** A configuration does not belong to its configuration space. */
export class ConfigurationError extends BandsterError {
  readonly hyperparameter: string | undefined;
  constructor(message: string, hyperparameter?: string) {
    super('ERR_INVALID_CONFIGURATION', message);
    this.hyperparameter = hyperparameter;
  }
}

/** A configuration-space document (ConfigSpace JSON) cannot be read. */
export class SpaceFormatError extends BandsterError {
  /** JSON-pointer-like location of the problem inside the document, e.g. `hyperparameters[3].type`. */
  readonly path: string;
  constructor(path: string, message: string) {
    super('ERR_SPACE_FORMAT', `${path}: ${message}`);
    this.path = path;
  }
}

/** A run directory (configs.json / results.json) is corrupt or cannot be written. */
export class RunLogError extends BandsterError {
  readonly file: string;
  readonly line: number | undefined;
  constructor(file: string, line: number | undefined, message: string) {
    super('ERR_RUN_LOG', line === undefined ? `${file}: ${message}` : `${file}:${line}: ${message}`);
    this.file = file;
    this.line = line;
  }
}

/** A search was stopped through its AbortSignal. */
export class AbortedError extends BandsterError {
  constructor(message = 'the search was aborted') {
    super('ERR_ABORTED', message);
  }
}
