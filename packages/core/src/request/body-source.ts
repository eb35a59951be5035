import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { UploadError } from '../errors/upload-error.js';

/** A request body as Node or the Fetch API hands it over. */
export type BodySource = Readable | ReadableStream<Uint8Array> | null | undefined;

/** A Node Readable to parse, and whether Sluice created it (and so may destroy it). */
export interface NodeBody {
  stream: Readable;
  /** True when the stream wraps a Web stream or is empty: destroying it hurts nobody. */
  owned: boolean;
}

function isWebStream(body: unknown): body is ReadableStream<Uint8Array> {
  return typeof (body as ReadableStream | null)?.getReader === 'function';
}

/**
 * Gives the engine one pull-based Node Readable whatever the runtime handed
 * over. A Web ReadableStream is read with `Readable.fromWeb`, which asks for
 * the next chunk only when the parser wants one, so a slow store slows the
 * client down instead of filling memory. A body that another middleware has
 * already read is refused at once (it would otherwise hang forever).
 */
export function toNodeReadable(body: BodySource): NodeBody {
  if (body === null || body === undefined) return { stream: Readable.from([]), owned: true };
  if (isWebStream(body)) {
    if (body.locked) throw new UploadError('BODY_ALREADY_CONSUMED', { message: 'Request body was already read by another middleware' });
    return { stream: Readable.fromWeb(body as NodeWebReadableStream<Uint8Array>), owned: true };
  }
  if (body instanceof Readable || typeof (body as Readable).on === 'function') {
    const stream = body as Readable;
    if (stream.readableEnded || stream.readableDidRead || stream.destroyed) {
      throw new UploadError('BODY_ALREADY_CONSUMED', { message: 'Request body was already read by another middleware' });
    }
    return { stream, owned: false };
  }
  throw new TypeError('sluice: body must be a Node Readable or a Web ReadableStream');
}
