import type { Readable } from 'node:stream';
import { UploadError } from '../errors/upload-error.js';
import type { ChecksumSet } from '../file/checksums.js';
import { chunkPuller } from './chunk-puller.js';
import type { PatchChecksum } from './patch-checksum.js';

/** Options of {@link bodyChain}. */
export interface BodyChainOptions {
  body: Readable;
  /** Most bytes this request may carry; one byte more fails with `overflow()` after the allowed bytes went through. */
  limit: number;
  overflow: () => Error;
  /** Longest gap between two chunks; 0 turns it off. */
  idleTimeoutMs: number;
  /** Stops the body (client gone, shutdown, lease lost); the reason becomes the error. */
  stop: AbortSignal;
  /** The running whole-file digests, when this process has seen every earlier byte. */
  digests: ChecksumSet | undefined;
  /** The `Upload-Checksum` of this request, if any. */
  checksum: PatchChecksum | undefined;
  /** Called per chunk with the bytes received so far in this request. */
  onProgress(received: number): void;
}

/** One request body on its way to the store, with what it counted. */
export interface BodyChain {
  /** The bytes to append, in order; errors when the body fails. */
  chunks: AsyncGenerator<Buffer>;
  /** Bytes that went through (and into the running digests). */
  readonly received: number;
}

/**
 * Reads a PATCH body chunk by chunk (pull-based: the store's pace is the
 * client's pace), enforcing the size limit and the idle timeout, feeding the
 * per-request checksum and the running whole-file digests, and stopping when
 * `stop` aborts. Bytes before a failure are yielded first, so the store can
 * persist them. Ending early never destroys the request: the route answers.
 */
export function bodyChain(options: BodyChainOptions): BodyChain {
  const { body, limit, stop, digests, checksum } = options;
  const state = { received: 0 };
  async function* run(): AsyncGenerator<Buffer> {
    const puller = chunkPuller(body);
    // An idle client or a stop ends the wait for the next chunk without
    // destroying the request, so the route can still answer (408, 503).
    let interrupt: (error: unknown) => void = () => {};
    const interrupted = new Promise<never>((_, reject) => {
      interrupt = reject;
    });
    interrupted.catch(() => {});
    const onStop = (): void => interrupt(stop.reason instanceof Error ? stop.reason : new UploadError('CLIENT_ABORTED'));
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      if (options.idleTimeoutMs <= 0) return;
      clearTimeout(timer);
      timer = setTimeout(() => interrupt(new UploadError('IDLE_TIMEOUT', { details: { afterMs: options.idleTimeoutMs } })), options.idleTimeoutMs);
    };
    if (stop.aborted) onStop();
    else stop.addEventListener('abort', onStop, { once: true });
    arm();
    try {
      for (;;) {
        let chunk = await Promise.race([puller.next(), interrupted]);
        if (chunk === undefined) break;
        arm();
        const room = limit - state.received;
        const over = chunk.length > room;
        if (over) chunk = chunk.subarray(0, room);
        if (chunk.length > 0) {
          state.received += chunk.length;
          checksum?.update(chunk);
          digests?.update(chunk);
          options.onProgress(state.received);
          yield chunk;
        }
        if (over) throw options.overflow();
      }
    } catch (error) {
      // A body cut by the client, a shutdown or a lost lease reports why, not the socket's "aborted".
      throw stop.aborted && stop.reason instanceof Error && !(error instanceof UploadError) ? stop.reason : error;
    } finally {
      clearTimeout(timer);
      stop.removeEventListener('abort', onStop);
      puller.detach();
    }
  }
  return {
    chunks: run(),
    get received() {
      return state.received;
    },
  };
}
