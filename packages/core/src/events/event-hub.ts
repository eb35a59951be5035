import type { AnyUploadEvent, UploadEventListener, UploadEventMap, UploadEventName } from './types.js';

/**
 * A tiny typed emitter. Unlike Node's EventEmitter, an `error` event with no
 * listener is not thrown, and a listener that throws cannot break an upload:
 * its exception goes to `onListenerError` instead.
 */
export class EventHub {
  private readonly listeners = new Map<UploadEventName, Set<(event: never) => void>>();

  constructor(private readonly onListenerError: (error: unknown) => void) {}

  on<E extends UploadEventName>(name: E, listener: UploadEventListener<E>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as (event: never) => void);
    return () => this.off(name, listener);
  }

  off<E extends UploadEventName>(name: E, listener: UploadEventListener<E>): void {
    this.listeners.get(name)?.delete(listener as (event: never) => void);
  }

  /** True when anybody listens to `name` (lets hot paths skip building events). */
  has(name: UploadEventName): boolean {
    return (this.listeners.get(name)?.size ?? 0) > 0;
  }

  emit<E extends UploadEventName>(name: E, event: UploadEventMap[E], extra?: (event: AnyUploadEvent) => void): void {
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        (listener as UploadEventListener<E>)(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
    if (extra) {
      try {
        extra({ type: name, ...event } as AnyUploadEvent);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}
