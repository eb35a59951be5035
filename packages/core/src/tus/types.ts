import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UploadEventMap, UploadEventName } from '../events/types.js';
import type { Logger } from '../logging/logger.js';
import type { KeyFunction } from '../naming/key-strategies.js';
import type { ChecksumAlgorithm } from '../file/checksums.js';
import type { StoredFile } from '../result/types.js';
import type { UploadLocker } from '../lock/types.js';
import type { LoadGovernor } from '../load/load-governor.js';
import type { ResumableStore } from './store-types.js';

/** Every event a tus handler emits: the multipart handler's events, each with the tus upload id. */
export type TusEventMap = { [E in UploadEventName]: UploadEventMap[E] & { uploadId?: string } };

/** A listener of tus event `E`. */
export type TusEventListener<E extends UploadEventName> = (event: TusEventMap[E]) => void;

/** Options of {@link createTusHandler}. */
export interface TusOptions<Request = unknown> {
  /** Where resumable state and bytes live: `memoryResumable()`, `diskResumable({ root })`, `s3Resumable({...})` from '@sluice/core/s3'. */
  store: ResumableStore;
  /** Public path the endpoint is mounted at, e.g. `/tus`; `Location` headers are built from it. */
  path: string;
  /** `fileSize` caps one upload (announced as `Tus-Max-Size`). Default 100 MiB, like multipart. */
  limits?: { fileSize?: number };
  /** Media types accepted, judged on the first bytes received (`image/png`, `image/*`). Default any. */
  allowedTypes?: readonly string[];
  /** Decides the key of the final object. Default `keys.dated()`. */
  key?: KeyFunction<Request>;
  /** Whole-file digests reported on completion, like multipart. Default none. */
  checksums?: readonly ChecksumAlgorithm[];
  /** An incomplete upload expires this long after its creation. Default 24 h. */
  expiresAfterMs?: number;
  /** One writer per upload. Default `memoryLocker()` (one instance only); share a Redis locker across instances. */
  locker?: UploadLocker;
  /** Back-pressure: a PATCH or POST with a body is admitted through it, and refused with 503 + `Retry-After` when the instance is full. Default none. */
  load?: LoadGovernor;
  /** Answer CORS preflights and expose the tus headers. `true` allows any origin. Default off. */
  cors?: boolean | { origin?: string };
  /** The gap between two body chunks of a PATCH may not exceed this; what arrived is kept. Default 30 000 ms; 0 turns it off. */
  idleTimeoutMs?: number;
  /** Emit `progress` every this many bytes. Default 1 MiB. */
  progressBytes?: number;
  /** Where the handler logs. Default silent. */
  logger?: Logger;
  /** Called once per upload when its final object is stored. A throw answers 500 but keeps the file. */
  onComplete?(file: StoredFile, request: Request | undefined): void | Promise<void>;
}

/** What an adapter may pass along with a request. */
export interface TusRequestContext<Request = unknown> {
  /** The framework's request (given to key functions and `onComplete`). */
  request?: Request;
}

/** A configured tus 1.0.0 endpoint. */
export interface TusHandler<Request = unknown> {
  /** Web standard path (Hono, Bun, Deno, Workers): a `Request` in, a `Response` out. */
  fetch(request: globalThis.Request, context?: TusRequestContext<Request>): Promise<Response>;
  /** Node path: streams `req` without the Web bridge. `url` defaults to `req.url` (Express should pass `req.originalUrl`). */
  handleNode(req: IncomingMessage, res: ServerResponse, options?: { url?: string; request?: Request }): Promise<void>;
  /** Listens to an event of every request; returns a function that stops listening. */
  on<E extends UploadEventName>(name: E, listener: TusEventListener<E>): () => void;
  off<E extends UploadEventName>(name: E, listener: TusEventListener<E>): void;
  /** Removes expired incomplete uploads (aborts S3 multipart uploads, deletes info/partial objects). */
  sweepExpired(now?: Date): Promise<{ removed: number }>;
  /** Stops accepting; in-flight PATCHes persist what arrived and end. */
  close(): Promise<void>;
  /** The store in use. */
  readonly store: ResumableStore;
}
