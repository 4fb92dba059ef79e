import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BandsterError } from '../core/errors.js';

/** The lock file's name inside a run directory (hpbandster's tools ignore it). */
export const RUN_LOCK_FILE = 'bandster.lock';

/** What a lock file records about its holder. */
export interface RunLockOwner {
  readonly pid: number;
  readonly host: string;
  /** Linux's boot id: a lock from before a reboot is stale whatever its pid (pids are reused). */
  readonly bootId: string | null;
  /** What holds it (e.g. `bandster serve`), for the error a second process sees. */
  readonly purpose: string;
  /** When it was taken, ISO 8601. */
  readonly since: string;
  /** Distinguishes two locks of one process, so a release never removes someone else's lock. */
  readonly token: string;
}

/** Options of {@link RunLock.acquire}. */
export interface RunLockOptions {
  /**
   * What takes the lock, shown to a process that finds it held.
   * @defaultValue 'bandster'
   */
  readonly purpose?: string;
}

/** Why a run directory cannot be locked. */
export type RunLockErrorCode =
  /** Another live process (or this one, through another lock) holds the directory. */
  | 'ERR_RUN_LOCKED'
  /** The lock file cannot be created, read or removed (permissions, a full disk). */
  | 'ERR_RUN_LOCK_IO';

/** A run directory is locked by someone else, or its lock file cannot be used. */
export class RunLockError extends BandsterError {
  declare readonly code: RunLockErrorCode;
  /** The lock file. */
  readonly file: string;
  /** The holder, when the lock is held. */
  readonly owner: RunLockOwner | undefined;
  constructor(code: RunLockErrorCode, file: string, message: string, owner?: RunLockOwner) {
    super(code, `${file}: ${message}`);
    this.file = file;
    this.owner = owner;
  }
}

/**
 * An exclusive lock on a run directory, so that one process at a time appends to its log: two
 * writers would interleave their lines and replay each other's schedule. A small JSON file
 * (`bandster.lock`: pid, host, boot id, purpose) created with `O_EXCL`.
 *
 * Stale locks: a lock whose holder is gone — same host and boot, and no process with its pid
 * (`kill(pid, 0)` answers ESRCH), or same host and another boot — is taken over, so a process
 * killed with SIGKILL does not lock its directory forever. A lock from another host cannot be
 * checked and counts as held (remove the file by hand once that host's process is gone). The
 * take-over replaces the stale file by an atomic rename and then reads it back, so of two
 * processes taking over the same stale lock at once, at most the last to rename keeps it.
 *
 * Not a kernel lock: a process that ignores the file is not stopped. Every bandster writer of a
 * run directory takes it first: a `Search` (run() and ask/tell, so the CLI's commands too) and
 * `bandster serve`, which holds each study's lock while it serves it and lends it to the study's
 * search (`SearchOptions.lock`).
 */
export class RunLock {
  private released = false;

  private constructor(
    /** The lock file. */
    readonly file: string,
    /** This lock's record. */
    readonly owner: RunLockOwner,
  ) {}

  /**
   * Locks `dir` (created when missing) for this process.
   * @throws RunLockError `ERR_RUN_LOCKED` naming the holder when a live process holds it,
   *   `ERR_RUN_LOCK_IO` when the file cannot be written or read.
   */
  static acquire(dir: string, options: RunLockOptions = {}): RunLock {
    const file = path.join(dir, RUN_LOCK_FILE);
    const owner: RunLockOwner = {
      pid: process.pid,
      host: os.hostname(),
      bootId: bootId(),
      purpose: options.purpose ?? 'bandster',
      since: new Date().toISOString(),
      token: randomBytes(8).toString('hex'),
    };
    const text = `${JSON.stringify(owner)}\n`;
    io(file, 'cannot create the run directory', () => fs.mkdirSync(dir, { recursive: true }));
    for (let attempt = 0; attempt < 3; attempt++) {
      if (createExclusive(file, text)) return new RunLock(file, owner);
      const holder = readOwner(file);
      if (holder === 'missing') continue; // released between our two calls: try again
      if (holder === 'unreadable' && isFresh(file)) {
        // Created a moment ago and not written yet, or cut by a crash just now: not ours to take.
        throw new RunLockError('ERR_RUN_LOCKED', file, 'another process is taking the lock right now');
      }
      if (holder !== 'unreadable' && !isStale(holder)) throw lockedBy(file, holder);
      // Stale (or a file cut short by a crash while it was written): replace it atomically,
      // then check that the file is ours; another process taking over at once may have won.
      const temporary = `${file}.${owner.token}.tmp`;
      io(file, 'cannot take over the stale lock', () => {
        fs.writeFileSync(temporary, text);
        fs.renameSync(temporary, file);
      });
      const now = readOwner(file);
      if (typeof now === 'object' && now.token === owner.token) return new RunLock(file, owner);
    }
    const holder = readOwner(file);
    throw new RunLockError(
      'ERR_RUN_LOCKED',
      file,
      'another process took the lock at the same time',
      typeof holder === 'object' ? holder : undefined,
    );
  }

  /** The run directory this lock is for. */
  get dir(): string {
    return path.dirname(this.file);
  }

  /** True until {@link release}. */
  get held(): boolean {
    return !this.released;
  }

  /** The holder of `dir`'s lock, if a live one holds it (stale locks read as free). */
  static holder(dir: string): RunLockOwner | undefined {
    const holder = readOwner(path.join(dir, RUN_LOCK_FILE));
    return typeof holder === 'object' && !isStale(holder) ? holder : undefined;
  }

  /**
   * Refuses, with the error {@link acquire} gives, when a live process holds `dir`: for a file a
   * command writes into a run directory just before its search takes the lock (no lock is taken).
   * @throws RunLockError `ERR_RUN_LOCKED` naming the holder.
   */
  static refuseIfHeld(dir: string): void {
    const holder = RunLock.holder(dir);
    if (holder) throw lockedBy(path.join(dir, RUN_LOCK_FILE), holder);
  }

  /** Removes the lock file if it is still this lock's. Releasing twice does nothing. */
  release(): void {
    if (this.released) return;
    this.released = true;
    const holder = readOwner(this.file);
    if (typeof holder === 'object' && holder.token === this.owner.token) {
      io(this.file, 'cannot remove the lock', () => fs.rmSync(this.file, { force: true }));
    }
  }
}

function lockedBy(file: string, holder: RunLockOwner): RunLockError {
  return new RunLockError(
    'ERR_RUN_LOCKED',
    file,
    `the run is locked by ${holder.purpose} (pid ${holder.pid} on ${holder.host}, since ${holder.since}); stop it first, or remove this file if that process is gone`,
    holder,
  );
}

/** Creates `file` holding `text` if it does not exist; false when it exists. */
function createExclusive(file: string, text: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new RunLockError('ERR_RUN_LOCK_IO', file, `cannot create the lock: ${(error as Error).message}`);
  }
  try {
    fs.writeFileSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

function readOwner(file: string): RunLockOwner | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw new RunLockError('ERR_RUN_LOCK_IO', file, `cannot read the lock: ${(error as Error).message}`);
  }
  try {
    const owner = JSON.parse(text) as Partial<RunLockOwner>;
    if (Number.isSafeInteger(owner.pid) && typeof owner.host === 'string' && typeof owner.token === 'string') {
      return {
        pid: owner.pid!,
        host: owner.host,
        bootId: typeof owner.bootId === 'string' ? owner.bootId : null,
        purpose: typeof owner.purpose === 'string' ? owner.purpose : 'bandster',
        since: typeof owner.since === 'string' ? owner.since : 'an unknown time',
        token: owner.token,
      };
    }
  } catch {
    // A crash between creating the file and writing it leaves it empty or cut: unreadable.
  }
  return 'unreadable';
}

/** True when the holder is certainly gone. */
function isStale(owner: RunLockOwner): boolean {
  if (owner.host !== os.hostname()) return false;
  const currentBoot = bootId();
  if (owner.bootId !== null && currentBoot !== null && owner.bootId !== currentBoot) return true;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but belongs to another user — alive.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Seconds after which an unreadable lock file counts as left by a crash. */
const UNREADABLE_GRACE_S = 5;

function isFresh(file: string): boolean {
  try {
    return Date.now() - fs.statSync(file).mtimeMs < UNREADABLE_GRACE_S * 1000;
  } catch {
    return false;
  }
}

let cachedBootId: string | null | undefined;

function bootId(): string | null {
  if (cachedBootId === undefined) {
    try {
      cachedBootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      cachedBootId = null;
    }
  }
  return cachedBootId;
}

function io<T>(file: string, what: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof RunLockError) throw error;
    throw new RunLockError('ERR_RUN_LOCK_IO', file, `${what}: ${(error as Error).message}`);
  }
}
