import { UploadError } from '../errors/upload-error.js';
import { EventHub } from '../events/event-hub.js';
import { preloadTypeDetection } from '../file/detect-type.js';
import type { UploadEventListener, UploadEventName } from '../events/types.js';
import { resolveOptions, type ResolvedUploadOptions, type UploadOptions } from '../session/upload-options.js';
import type { UploadResult } from '../result/types.js';
import { UploadSession, type UploadInput } from './upload-session.js';
import { refusalFromHeaders } from '../request/classify-request.js';
import type { HeaderSource } from '../request/headers.js';
import type { LoadTicket } from '../load/load-governor.js';

/** A configured upload handler: call `handle` once per request. */
export interface UploadHandler<Request = unknown> {
  /**
   * Streams one request's files into storage. Resolves with the result, or
   * rejects with an `UploadError` once everything the request started has been
   * stopped and cleaned up. Never rejects with anything else.
   */
  handle(input: UploadInput<Request>): Promise<UploadResult>;
  /** Listens to an event of every request; returns a function that stops listening. */
  on<E extends UploadEventName>(name: E, listener: UploadEventListener<E>): () => void;
  off<E extends UploadEventName>(name: E, listener: UploadEventListener<E>): void;
  /**
   * Stops every upload in flight with `SHUTTING_DOWN` (503), waits until each
   * one has aborted its storage writes and removed what it must, and refuses
   * new uploads from then on. Call it from a SIGTERM handler before exiting.
   */
  shutdown(): Promise<void>;
  /**
   * What this handler would refuse a request with from its headers alone (a
   * media type or Content-Encoding it does not take, a bad boundary, a
   * declared Content-Length over the body limit), or `undefined`. For
   * deciding before the body is sent, e.g. whether to answer
   * `Expect: 100-continue`.
   */
  refusalFor(headers: HeaderSource): UploadError | undefined;
  /** How many uploads are in flight. */
  readonly activeUploads: number;
  /** The options with defaults filled in. */
  readonly options: ResolvedUploadOptions<Request>;
}

/**
 * Creates an upload handler. Options are checked here, so a bad configuration
 * fails at start-up with a TypeError instead of on the first upload.
 *
 * @example
 * const upload = createUploadHandler({ storage: diskStorage({ root: './uploads' }), limits: { fileSize: 10 * 1024 * 1024 } });
 * const result = await upload.handle({ headers: req.headers, body: req, signal });
 */
export function createUploadHandler<Request = unknown>(options: UploadOptions<Request>): UploadHandler<Request> {
  const resolved = resolveOptions(options);
  preloadTypeDetection();
  const hub = new EventHub((error) => resolved.logger.error('sluice: an event listener threw', { error: String(error) }));
  const active = new Set<UploadSession<Request>>();
  let closing = false;
  return {
    options: resolved,
    handle(input) {
      const session = new UploadSession(resolved, hub, input);
      if (closing) return session.refuse(new UploadError('SHUTTING_DOWN'));
      // Back-pressure: a full instance refuses at once (503 + Retry-After) instead of queueing.
      let ticket: LoadTicket | undefined;
      try {
        ticket = resolved.load?.admit();
      } catch (error) {
        return session.refuse(error as UploadError);
      }
      active.add(session);
      const outcome = session.run();
      const forget = (): void => {
        active.delete(session);
        ticket?.release();
      };
      outcome.then(forget, forget);
      return outcome;
    },
    refusalFor: (headers) => refusalFromHeaders(headers, resolved as ResolvedUploadOptions<unknown>),
    on: (name, listener) => hub.on(name, listener),
    off: (name, listener) => hub.off(name, listener),
    async shutdown() {
      closing = true;
      await Promise.all([...active].map((session) => session.cancel(new UploadError('SHUTTING_DOWN'))));
    },
    get activeUploads() {
      return active.size;
    },
  };
}
