import { EventEmitter } from 'node:events';

/** An EventEmitter whose event names and payloads are checked by the compiler (BullMQ's style). */
export class TypedEmitter<Events extends { [K in keyof Events]: unknown }> {
  private readonly emitter = new EventEmitter();

  on<K extends keyof Events & string>(event: K, listener: (payload: Events[K]) => void): this {
    this.emitter.on(event, listener);
    return this;
  }

  once<K extends keyof Events & string>(event: K, listener: (payload: Events[K]) => void): this {
    this.emitter.once(event, listener);
    return this;
  }

  off<K extends keyof Events & string>(event: K, listener: (payload: Events[K]) => void): this {
    this.emitter.off(event, listener);
    return this;
  }

  /** The same as {@link off}; Node's `events.on(emitter, name)` and `events.once` call it by this name. */
  removeListener<K extends keyof Events & string>(event: K, listener: (payload: Events[K]) => void): this {
    this.emitter.removeListener(event, listener);
    return this;
  }

  protected emit<K extends keyof Events & string>(event: K, payload: Events[K]): void {
    this.emitter.emit(event, payload);
  }
}
