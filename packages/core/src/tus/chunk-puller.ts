import type { Readable } from 'node:stream';
import { UploadError } from '../errors/upload-error.js';

/** Reads a stream one chunk at a time, on demand. */
export interface ChunkPuller {
  /** The next chunk, or `undefined` at the end; rejects when the stream fails or closes early. */
  next(): Promise<Buffer | undefined>;
  /** Stops listening. The stream is left as it is: not destroyed, not resumed, its later errors ignored. */
  detach(): void;
}

/**
 * Reads `body` with `read()` and its events instead of an async iterator: an
 * iterator given up early destroys its stream, and for a request that is its
 * socket, so an idle timeout or a refusal could not be answered any more.
 * Leaving a puller leaves the request as it is, so the response (408, 413,
 * 503 ...) is still written and the rest of the body discarded after it.
 */
export function chunkPuller(body: Readable): ChunkPuller {
  let wake: (() => void) | undefined;
  let ended = false;
  let failure: unknown;
  const rouse = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const onEnd = (): void => {
    ended = true;
    rouse();
  };
  const onError = (error: unknown): void => {
    failure ??= error;
    rouse();
  };
  const onClose = (): void => {
    if (!ended) failure ??= new UploadError('CLIENT_ABORTED');
    rouse();
  };
  body.on('readable', rouse);
  body.on('end', onEnd);
  body.on('error', onError);
  body.on('close', onClose);
  return {
    async next() {
      for (;;) {
        if (failure !== undefined) throw failure;
        const chunk = body.read() as Buffer | Uint8Array | null;
        if (chunk !== null) return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
        if (ended || body.readableEnded) return undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
    detach() {
      body.off('readable', rouse);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
      // The stream may still fail after this (the runtime cancels a body left
      // unread once the response is out): that must not become an unhandled 'error'.
      if (body.listenerCount('error') === 0) body.on('error', () => {});
      rouse();
    },
  };
}
