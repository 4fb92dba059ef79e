import { BandsterError } from '../core/errors.js';

/** What is wrong with a configuration or a space document; callers branch on it, never on a message. */
export type SpaceErrorCode =
  /**
   * A configuration is not in its space: an unknown hyperparameter, a value of the wrong type or
   * out of range, an inactive hyperparameter set or an active one missing, a forbidden combination,
   * or a vector that does not match the space.
   */
  | 'ERR_INVALID_CONFIGURATION'
  /** Sampling drew only forbidden configurations, many times in a row: the forbidden clauses exclude (nearly) the whole space. */
  | 'ERR_SPACE_EXHAUSTED'
  /** A ConfigSpace JSON document cannot be read: not JSON, a field missing or of the wrong type, an unknown kind of hyperparameter, condition or clause. */
  | 'ERR_SPACE_FORMAT';

/** Something wrong with a configuration space or one of its configurations. */
export class SpaceError extends BandsterError {
  declare readonly code: SpaceErrorCode;
  constructor(code: SpaceErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A configuration does not belong to its configuration space (`ERR_INVALID_CONFIGURATION`). */
export class ConfigurationError extends SpaceError {
  declare readonly code: 'ERR_INVALID_CONFIGURATION';
  /** The hyperparameter at fault, when there is one. */
  readonly hyperparameter: string | undefined;
  constructor(message: string, hyperparameter?: string) {
    super('ERR_INVALID_CONFIGURATION', message);
    this.hyperparameter = hyperparameter;
  }
}

/** A configuration-space document (ConfigSpace JSON) cannot be read (`ERR_SPACE_FORMAT`). */
export class SpaceFormatError extends SpaceError {
  declare readonly code: 'ERR_SPACE_FORMAT';
  /** JSON-pointer-like location of the problem inside the document, e.g. `hyperparameters[3].type`. */
  readonly path: string;
  constructor(path: string, message: string) {
    super('ERR_SPACE_FORMAT', `${path}: ${message}`);
    this.path = path;
  }
}
