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

/** The followers of one signal, behind its one listener. */
class Followers {
  readonly links = new Set<Link>();
  constructor(readonly signal: AbortSignal) {}

  /** The signal's listener: every follower still linked is called once. */
  readonly listener = (): void => {
    followed.delete(this.signal);
    // A callback may end other followers while they are being called: those are skipped.
    for (const link of [...this.links]) if (this.links.has(link)) link.callback(this.signal.reason);
  };
}

/** One follower (every job of a search makes one, so it is kept small). */
class Link implements AbortLink {
  constructor(
    private readonly followers: Followers,
    readonly callback: Callback,
  ) {}

  /** An arrow, so that `const { done } = followAbort(…)` works too. */
  readonly done = (): void => {
    const { links, signal, listener } = this.followers;
    if (!links.delete(this) || links.size > 0) return;
    // The last follower is gone: so is the listener (unless the signal fired and took it already).
    if (followed.get(signal) === this.followers) {
      signal.removeEventListener('abort', listener);
      followed.delete(signal);
    }
  };
}

/** The followers of each signal that has any. Weak: a signal that is dropped takes its entry along. */
const followed = new WeakMap<AbortSignal, Followers>();

const NOTHING_TO_UNDO: AbortLink = Object.freeze({ done: () => {} });

/**
 * Calls `callback(signal.reason)` once when `signal` aborts, until the returned link is done. When
 * `signal` has already aborted, `callback` runs at once (synchronously) and the link does nothing.
 * An undefined signal never aborts.
 */
export function followAbort(signal: AbortSignal | undefined, callback: Callback): AbortLink {
  if (!signal) return NOTHING_TO_UNDO;
  if (signal.aborted) {
    callback(signal.reason);
    return NOTHING_TO_UNDO;
  }
  let followers = followed.get(signal);
  if (!followers) {
    followers = new Followers(signal);
    followed.set(signal, followers);
    signal.addEventListener('abort', followers.listener, { once: true });
  }
  const link = new Link(followers, callback);
  followers.links.add(link);
  return link;
}

/** Aborts `child` with the parent's reason when `parent` aborts, until the returned link is done. */
export function linkAbort(parent: AbortSignal | undefined, child: AbortController): AbortLink {
  return followAbort(parent, (reason) => child.abort(reason));
}
