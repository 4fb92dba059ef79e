/**
 * Abort fan-out: everything that must stop when a caller's AbortSignal aborts follows it through
 * one listener per signal.
 *
 * A search hands the same signal to every job it submits. A listener per job on that signal would
 * pass Node's MaxListenersExceededWarning threshold (10) as soon as eleven jobs run at once, and
 * listeners left behind by finished jobs would pile up on a long search. So the followers of a
 * signal share one listener, and each follower's `done()` takes itself out again, removing the
 * listener with the last one — piscina keeps per-task state on one task object whose `done()`
 * removes its own abort listener the same way.
 */

/** A follower of a signal; {@link AbortLink.done} stops following. */
export interface AbortLink {
  /** Stops following the signal (the callback will not be called); calling it again does nothing. */
  done(): void;
}

type Callback = (reason: unknown) => void;

/** The followers of one signal, behind its one listener (attached while there are followers). */
class Followers {
  readonly links = new Set<Link>();
  attached = false;
  constructor(readonly signal: AbortSignal) {}

  /** The signal's listener: every follower still linked is called once. */
  readonly listener = (): void => {
    this.attached = false;
    followed.delete(this.signal);
    // A callback may end other followers while they are being called: those are skipped.
    for (const link of [...this.links]) if (this.links.has(link)) link.fire(this.signal.reason);
  };

  add(link: Link): void {
    this.links.add(link);
    if (this.attached) return;
    this.attached = true;
    this.signal.addEventListener('abort', this.listener, { once: true });
  }

  remove(link: Link): void {
    if (!this.links.delete(link) || this.links.size > 0 || !this.attached) return;
    // The last follower is gone: so is the listener. The (empty) entry stays for the next follower,
    // as long as the signal lives: a search's jobs come and go in waves, each emptying the set.
    this.attached = false;
    this.signal.removeEventListener('abort', this.listener);
  }
}

/** One follower: a child controller to abort, or a callback (every job of a search makes one, so it is kept small). */
class Link implements AbortLink {
  constructor(
    private readonly followers: Followers,
    private readonly target: AbortController | Callback,
  ) {}

  fire(reason: unknown): void {
    fire(this.target, reason);
  }

  /** An arrow, so that `const { done } = followAbort(…)` works too. */
  readonly done = (): void => this.followers.remove(this);
}

/** The followers of each signal that has any. Weak: a signal that is dropped takes its entry along. */
const followed = new WeakMap<AbortSignal, Followers>();

const NOTHING_TO_UNDO: AbortLink = Object.freeze({ done: () => {} });

function fire(target: AbortController | Callback, reason: unknown): void {
  if (typeof target === 'function') target(reason);
  else target.abort(reason);
}

/**
 * Calls `callback(signal.reason)` once when `signal` aborts, until the returned link is done. When
 * `signal` has already aborted, `callback` runs at once (synchronously) and the link does nothing.
 * An undefined signal never aborts.
 */
export function followAbort(signal: AbortSignal | undefined, callback: Callback): AbortLink {
  return follow(signal, callback);
}

/** Aborts `child` with the parent's reason when `parent` aborts, until the returned link is done. */
export function linkAbort(parent: AbortSignal | undefined, child: AbortController): AbortLink {
  return follow(parent, child);
}

function follow(signal: AbortSignal | undefined, target: AbortController | Callback): AbortLink {
  if (!signal) return NOTHING_TO_UNDO;
  if (signal.aborted) {
    fire(target, signal.reason);
    return NOTHING_TO_UNDO;
  }
  let followers = followed.get(signal);
  if (!followers) {
    followers = new Followers(signal);
    followed.set(signal, followers);
  }
  const link = new Link(followers, target);
  followers.add(link);
  return link;
}
