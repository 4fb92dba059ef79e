import type { InferenceSession } from 'onnxruntime-node';

interface Entry {
  readonly session: Promise<InferenceSession>;
  lastUsed: number;
  inFlight: number;
}

/**
 * Training sessions by key (spec, batch size, loss), shared by every model of a backend: a session
 * holds no weights (they are inputs), so configurations of one shape reuse the graph, its
 * optimisation and its memory arena. At most `capacity` are kept; the least recently used one with
 * no run in flight is released when a new one would exceed it (a search tries many batch sizes).
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private clock = 0;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** Runs `use` with the session for `key`, creating it with `create` when absent. */
  async with<T>(key: string, create: () => Promise<InferenceSession>, use: (session: InferenceSession) => Promise<T>): Promise<T> {
    let entry = this.entries.get(key);
    if (!entry) {
      const session = create();
      entry = { session, lastUsed: 0, inFlight: 0 };
      this.entries.set(key, entry);
      session.catch(() => this.entries.delete(key));
      this.evict();
    }
    entry.lastUsed = ++this.clock;
    entry.inFlight++;
    try {
      return await use(await entry.session);
    } finally {
      entry.inFlight--;
    }
  }

  /** Releases every session with no run in flight (and so its memory arena). */
  trim(): void {
    for (const [key, entry] of [...this.entries]) {
      if (entry.inFlight > 0) continue;
      this.entries.delete(key);
      void entry.session.then((session) => session.release()).catch(() => undefined);
    }
  }

  /** Releases every session (none may be running). */
  async clear(): Promise<void> {
    const sessions = [...this.entries.values()].map((entry) => entry.session);
    this.entries.clear();
    await Promise.all(sessions.map(async (session) => (await session.catch(() => undefined))?.release()));
  }

  private evict(): void {
    while (this.entries.size > this.capacity) {
      let oldest: [string, Entry] | undefined;
      for (const item of this.entries) {
        if (item[1].inFlight === 0 && item[1].lastUsed > 0 && (!oldest || item[1].lastUsed < oldest[1].lastUsed)) oldest = item;
      }
      if (!oldest) return;
      this.entries.delete(oldest[0]);
      void oldest[1].session.then((session) => session.release()).catch(() => undefined);
    }
  }
}
