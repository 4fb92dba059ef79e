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

interface Followers {
  readonly callbacks: Set<Callback>;
  readonly listener: () => void;
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
  let entry = followed.get(signal);
  if (!entry) {
    const callbacks = new Set<Callback>();
    const listener = (): void => {
      followed.delete(signal);
      // A callback may end other followers while they are being called: those are skipped.
      for (const follower of [...callbacks]) if (callbacks.has(follower)) follower(signal.reason);
    };
    entry = { callbacks, listener };
    followed.set(signal, entry);
    signal.addEventListener('abort', listener, { once: true });
  }
  const { callbacks, listener } = entry;
  // A Set holds a function once; a wrapper keeps two links with the same callback apart.
  const own: Callback = (reason) => callback(reason);
  callbacks.add(own);
  let finished = false;
  return {
    done: () => {
      if (finished) return;
      finished = true;
      callbacks.delete(own);
      if (callbacks.size === 0 && followed.get(signal)?.callbacks === callbacks) {
        signal.removeEventListener('abort', listener);
        followed.delete(signal);
      }
    },
  };
}

/** Aborts `child` with the parent's reason when `parent` aborts, until the returned link is done. */
export function linkAbort(parent: AbortSignal | undefined, child: AbortController): AbortLink {
  return followAbort(parent, (reason) => child.abort(reason));
}
