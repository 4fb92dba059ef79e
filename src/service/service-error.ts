import { BandsterError } from '../core/errors.js';

/** What the service refuses, with the HTTP status each answers with. */
export type ServiceErrorCode =
  /** 400: a body, path or query that does not follow the API (the message names the field). */
  | 'ERR_BAD_REQUEST'
  /** 401: a token is set and the request does not carry it (`Authorization: Bearer …`). */
  | 'ERR_UNAUTHORIZED'
  /** 404: no study of that name. */
  | 'ERR_UNKNOWN_STUDY'
  /** 409: a study of that name exists already. */
  | 'ERR_STUDY_EXISTS'
  /** 409: the study's directory is locked by another process. */
  | 'ERR_STUDY_LOCKED'
  /** 400: `bandster serve` was asked to listen on a non-loopback address without a token. */
  | 'ERR_TOKEN_REQUIRED';

const STATUS: Readonly<Record<ServiceErrorCode, number>> = {
  ERR_BAD_REQUEST: 400,
  ERR_UNAUTHORIZED: 401,
  ERR_UNKNOWN_STUDY: 404,
  ERR_STUDY_EXISTS: 409,
  ERR_STUDY_LOCKED: 409,
  ERR_TOKEN_REQUIRED: 400,
};

/** A request the service refuses; `statusCode` is the HTTP answer, `field` the part of the request at fault. */
export class ServiceError extends BandsterError {
  declare readonly code: ServiceErrorCode;
  readonly statusCode: number;
  readonly field: string | undefined;
  constructor(code: ServiceErrorCode, message: string, field?: string) {
    super(code, message);
    this.statusCode = STATUS[code];
    this.field = field;
  }
}

/** HTTP status of every library error code a request can run into; anything else is a bug (500). */
export const LIBRARY_ERROR_STATUS: Readonly<Record<string, number>> = {
  ERR_INVALID_OPTION: 400,
  ERR_INVALID_CONFIGURATION: 400,
  ERR_SPACE_FORMAT: 400,
  ERR_UNKNOWN_JOB: 404,
  ERR_JOB_ALREADY_TOLD: 409,
  ERR_LEASE_EXPIRED: 409,
  ERR_SEARCH_CLOSED: 409,
  ERR_SEARCH_MODE: 409,
  ERR_RUN_LOCKED: 409,
  ERR_RUN_LOG: 500,
  ERR_RUN_LOCK_IO: 500,
};
