import { GetObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { OffsetConflictError, type NewResumableUpload, type ResumableListEntry, type ResumableStore } from '../../tus/store-types.js';
import { mapS3Error, s3ErrorCode } from './map-s3-error.js';
import { appendToS3, mustReadInfo } from './resumable-append.js';
import { completeOnS3 } from './resumable-complete.js';
import { deleteQuietly, partSizeFor, publicInfo, readInfo, resolveResumableContext, writeInfo, type S3ResumableContext, type S3ResumableOptions } from './resumable-objects.js';
import { abortOrphans } from './resumable-orphans.js';

/** The S3 resumable store, with its resolved settings. */
export interface S3Resumable extends ResumableStore {
  readonly context: S3ResumableContext;
}

/**
 * Keeps resumable uploads in an S3 bucket and nowhere else: per upload one
 * multipart upload under the final key, an info object
 * `<statePrefix><id>.info` (JSON: length, offset, metadata, the multipart
 * upload id, the recorded parts, expiry) and, while bytes do not fill a part,
 * a tail object `<statePrefix><id>.partial.<n>`. No temporary file, no state
 * only in memory: any process that reaches the bucket can answer HEAD and
 * continue a PATCH. Memory: one part-sized buffer per PATCH in flight.
 */
export function s3Resumable(options: S3ResumableOptions): S3Resumable {
  const ctx = resolveResumableContext(options);
  return withTypedErrors({
    name: 's3',
    context: ctx,
    async create(upload: NewResumableUpload) {
      const info = await writeInfo(ctx, { ...structuredClone(upload), offset: 0, s3: { partSize: partSizeFor(ctx.partSize, upload.length), parts: [] } });
      return publicInfo(info);
    },
    async getInfo(id) {
      const info = await readInfo(ctx, id);
      return info ? publicInfo(info) : undefined;
    },
    async update(id, changes) {
      const info = await mustReadInfo(ctx, id);
      return publicInfo(await writeInfo(ctx, { ...info, ...structuredClone(changes) }));
    },
    append: (id, body, appendOptions) => appendToS3(ctx, id, body, appendOptions),
    async readHead(id, maxBytes) {
      const info = await mustReadInfo(ctx, id);
      const tail = info.s3.tail;
      // Sniffing happens before the first part: until then every stored byte is in the tail object.
      if (info.s3.parts.length > 0) throw new Error('s3Resumable: the head of an upload with parts is not readable');
      const size = Math.min(maxBytes, tail?.size ?? 0);
      if (!tail || size === 0) return Buffer.alloc(0);
      const out = await ctx.client.send(new GetObjectCommand({ Bucket: ctx.bucket, Key: ctx.tailKey(id, tail.n), Range: `bytes=0-${size - 1}` }));
      return Buffer.from(await out.Body!.transformToByteArray()).subarray(0, size);
    },
    async complete(id, completeOptions = {}) {
      return publicInfo(await completeOnS3(ctx, id, completeOptions.lease));
    },
    async openCompleted(info) {
      if (!info.key || !info.completed) return undefined;
      const out = await ctx.client.send(new GetObjectCommand({ Bucket: ctx.bucket, Key: info.key }));
      return out.Body as Readable;
    },
    async remove(id, removeOptions = {}) {
      const info = await readInfo(ctx, id);
      if (!info) return;
      // The recorded multipart upload and any a crashed process created without recording it.
      if (!info.completed && info.key) await abortOrphans(ctx, info.key, undefined);
      if (removeOptions.object && info.completed && info.key) await deleteQuietly(ctx, info.key);
      // Every tail object ever named for this upload, then the info object last (a crash leaves it to retry).
      for await (const page of paginateListObjectsV2({ client: ctx.client }, { Bucket: ctx.bucket, Prefix: `${ctx.prefix}${id}.partial.` })) {
        for (const object of page.Contents ?? []) if (object.Key) await deleteQuietly(ctx, object.Key);
      }
      await deleteQuietly(ctx, ctx.infoKey(id));
    },
    async *list(): AsyncIterable<ResumableListEntry> {
      for await (const page of paginateListObjectsV2({ client: ctx.client }, { Bucket: ctx.bucket, Prefix: ctx.prefix })) {
        for (const object of page.Contents ?? []) {
          if (!object.Key?.endsWith('.info')) continue;
          const info = await readInfo(ctx, object.Key.slice(ctx.prefix.length, -'.info'.length)).catch(() => undefined);
          if (info) yield { id: info.id, expiresAt: info.expiresAt, completed: info.completed !== undefined };
        }
      }
    },
  });
}

/**
 * Turns what the SDK throws into typed upload errors (STORAGE_UNAVAILABLE 503
 * while S3 is down, ...), so the tus answer says what happened; other errors
 * (the body's, the lock's, an offset conflict) pass through.
 */
function withTypedErrors(store: S3Resumable): S3Resumable {
  const map = (error: unknown): never => {
    // Only what came from S3 (or the network to it); a body's own error stays as it is.
    const fromS3 = typeof error === 'object' && error !== null && ('$metadata' in error || s3ErrorCode(error) === 'STORAGE_UNAVAILABLE');
    throw fromS3 && !(error instanceof OffsetConflictError) ? mapS3Error(error) : error;
  };
  return {
    ...store,
    create: (upload) => store.create(upload).catch(map),
    getInfo: (id) => store.getInfo(id).catch(map),
    update: (id, changes) => store.update(id, changes).catch(map),
    append: (id, body, appendOptions) => store.append(id, body, appendOptions).catch(map),
    readHead: (id, maxBytes) => store.readHead(id, maxBytes).catch(map),
    complete: (id, completeOptions) => store.complete(id, completeOptions).catch(map),
    openCompleted: (info) => store.openCompleted(info).catch(map),
    remove: (id, removeOptions) => store.remove(id, removeOptions).catch(map),
  };
}
