import { Buffer } from 'node:buffer';
import { addAbortSignal, type Readable } from 'node:stream';
import type { Logger } from '../../logging/logger.js';
import type { PutOptions, PutResult } from '../types.js';
import type { R2BucketLike, R2ObjectLike, R2ObjectOptions } from './bucket.js';
import { MultipartWriter } from './multipart-writer.js';
import { PartCollector, plainBytes } from './part-collector.js';
import { r2Call } from './r2-error.js';

/** What one upload needs from the driver's options. */
export interface R2UploadSettings {
  bucket: R2BucketLike;
  partSize: number;
  objectOptions: R2ObjectOptions;
  logger: Logger;
}

/**
 * Streams one object into R2. A body of at most one part goes up as a single
 * `put` once its length is known; a longer one through the binding's
 * multipart API in parts of exactly `partSize` bytes, one part in flight
 * while the next fills, so memory stays near two parts whatever the file size.
 *
 * Both `put` and `complete` make the object visible whole or not at all. On
 * any failure (the body errors, the signal aborts, R2 fails) the multipart
 * upload is aborted before the promise settles, and an object completed just
 * as the signal aborted is deleted again, so nothing stays under `key`.
 * R2 cannot keep a partial object, so `keepPartial` is ignored.
 */
export async function uploadToR2(settings: R2UploadSettings, key: string, body: Readable, { signal }: PutOptions): Promise<PutResult> {
  signal.throwIfAborted();
  const { bucket, partSize, objectOptions, logger } = settings;
  const collector = new PartCollector(partSize);
  let writer: MultipartWriter | undefined;
  // Without this an abort would go unnoticed until the next chunk arrived.
  addAbortSignal(signal, body);
  try {
    for await (const chunk of body.iterator({ destroyOnReturn: true })) {
      collector.add(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array));
      while (collector.hasPartBeforeMore) {
        writer ??= await MultipartWriter.start(bucket, key, objectOptions, logger);
        // Cut the next part only once the one in flight is stored: one part held, one in flight.
        await writer.settle();
        signal.throwIfAborted();
        await writer.send(collector.takePart());
      }
    }
    signal.throwIfAborted();
    const rest = collector.takeRest();
    const object: R2ObjectLike | null = writer ? await writer.finish(rest) : await r2Call(() => bucket.put(key, plainBytes(rest), objectOptions));
    if (signal.aborted) {
      // Cancelled while R2 was storing the object: the contract says nothing stays under the key.
      await bucket.delete(key).catch(() => {});
      throw signal.reason;
    }
    return { size: collector.total, location: `r2:${key}`, etag: object?.httpEtag ?? object?.etag };
  } catch (error) {
    body.destroy();
    await writer?.abort();
    throw signal.aborted ? signal.reason : error;
  }
}
