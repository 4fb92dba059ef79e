import * as fs from 'node:fs';
import * as path from 'node:path';
import { invalidOption } from './option-checks.js';
import { RunLock } from '../storage/run-lock.js';

/**
 * A search's hold on its log directory while it writes there: its own {@link RunLock}, or one the
 * caller lends (`SearchOptions.lock`, which the search never releases), or nothing without a log.
 */
export interface SearchLock {
  /** Releases the search's own lock; a lent one stays held. Releasing twice does nothing. */
  release(): void;
  /**
   * The search failed before writing its log: releases the lock and, when taking it created the
   * directory, removes the directory again (still empty), so a refused search leaves nothing.
   */
  abandon(): void;
}

const NO_LOCK: SearchLock = { release: () => {}, abandon: () => {} };

/**
 * Locks `logDir` for a search, before it reads what it resumes (a second writer could be appending)
 * and before anything is written there.
 * @throws RunLockError `ERR_RUN_LOCKED` naming the holder when another process or search holds it.
 */
export function lockLogDirectory(logDir: string | undefined, lent: RunLock | undefined): SearchLock {
  if (logDir === undefined || lent !== undefined) return NO_LOCK;
  const existed = fs.existsSync(logDir);
  const lock = RunLock.acquire(logDir, { purpose: lockPurpose() });
  return {
    release: () => lock.release(),
    abandon: () => {
      lock.release();
      if (!existed) {
        try {
          fs.rmdirSync(logDir); // only when empty: whatever else is there stays
        } catch {
          // not empty, or gone: nothing to undo
        }
      }
    },
  };
}

/** Checks a lent lock: a held RunLock of the search's own log directory. */
export function checkLentLock(lock: unknown, logDir: string | undefined): void {
  if (!(lock instanceof RunLock)) throw invalidOption('options.lock', 'a RunLock (RunLock.acquire)', lock);
  if (logDir === undefined) throw invalidOption('options.lock', 'given with options.logDir, the directory it locks', lock.dir);
  if (path.resolve(lock.dir) !== path.resolve(logDir)) {
    throw invalidOption('options.lock', `the lock of options.logDir (${logDir})`, lock.dir);
  }
  if (!lock.held) throw invalidOption('options.lock', 'a lock still held (this one was released)', lock.dir);
}

/** What the lock says holds it, e.g. `a bandster search (bandster run)`, for the error a second writer sees. */
function lockPurpose(): string {
  const [script, command] = process.argv.slice(1, 3);
  const words = [script === undefined ? 'node' : path.basename(script).replace(/\.[cm]?[jt]s$/, ''), command].filter(
    (word): word is string => word !== undefined && !word.startsWith('-'),
  );
  return `a bandster search (${words.join(' ')})`;
}
