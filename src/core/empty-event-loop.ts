/**
 * Notices when the event loop runs out of work while something still waits on a promise that
 * nothing can settle any more — an objective that returns `new Promise(() => {})`, a module whose
 * top-level `await` waits for nothing, an await on an `unref`'d timer. Node then emits
 * `'beforeExit'` and, if nobody schedules more work, exits: silently with code 0 or, when a
 * top-level await is pending (the CLI's), with code 13 and nothing printed. A watcher turns that
 * moment into an error or a failed job instead; whatever it schedules (a promise it settles, the
 * next job) keeps the process going.
 *
 * One `'beforeExit'` listener serves every watcher, so a thousand jobs in flight add one listener.
 */
const watchers = new Set<() => void>();

function onBeforeExit(): void {
  for (const watcher of [...watchers]) watcher();
  // Settling a promise adds no work the event loop can see: without a turn of its own, what the
  // watchers set going (the next job, which may never settle either) would be cut short by the exit.
  setImmediate(() => {});
}

/**
 * Calls `onEmpty` each time the event loop runs out of work, until the returned function is called.
 */
export function watchEmptyEventLoop(onEmpty: () => void): () => void {
  const watcher = (): void => onEmpty();
  if (watchers.size === 0) process.on('beforeExit', onBeforeExit);
  watchers.add(watcher);
  return () => {
    if (!watchers.delete(watcher)) return;
    if (watchers.size === 0) process.off('beforeExit', onBeforeExit);
  };
}
