import { BandsterError } from './errors.js';

/** Why an ask or a tell was refused; callers branch on it, never on a message. */
export type AskTellErrorCode =
  /** A tell for a job this search never handed out (wrong config id or budget). */
  | 'ERR_UNKNOWN_JOB'
  /** A second tell for a job whose result is already recorded (the first tell counts). */
  | 'ERR_JOB_ALREADY_TOLD'
  /**
   * A lease extension (heartbeat) for a job whose lease already ran out: it waits to be handed
   * out again, or was (a later attempt holds it now). Its tell is still accepted.
   */
  | 'ERR_LEASE_EXPIRED'
  /** ask or tell on a search that `run()` drives, or `run()` on one driven by ask/tell. */
  | 'ERR_SEARCH_MODE'
  /** ask or tell after `close()`. */
  | 'ERR_SEARCH_CLOSED';

/** An ask, a tell or a lease extension the search cannot accept in its state. */
export class AskTellError extends BandsterError {
  declare readonly code: AskTellErrorCode;
  constructor(code: AskTellErrorCode, message: string) {
    super(code, message);
  }
}
