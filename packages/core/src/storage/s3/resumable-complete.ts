import { CompleteMultipartUploadCommand, CopyObjectCommand, HeadObjectCommand, PutObjectCommand, UploadPartCopyCommand } from '@aws-sdk/client-s3';
import type { UploadLease } from '../../lock/types.js';
import { checkWriter, nextFence } from '../../tus/store-checks.js';
import { mustReadInfo } from './resumable-append.js';
import { deleteQuietly, writeInfo, type S3ResumableContext, type S3ResumableInfo } from './resumable-objects.js';
import { s3ErrorName } from './map-s3-error.js';
import { abortOrphans } from './resumable-orphans.js';

function copySource(bucket: string, key: string): string {
  return `${bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`;
}

async function headObject(ctx: S3ResumableContext, key: string): Promise<{ size: number; etag: string | undefined } | undefined> {
  try {
    const head = await ctx.client.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: key }));
    return { size: head.ContentLength ?? 0, etag: head.ETag };
  } catch (error) {
    if (s3ErrorName(error) === 'NotFound' || s3ErrorName(error) === 'NoSuchKey') return undefined;
    throw error;
  }
}

/**
 * Makes the final object of an upload whose offset reached its length.
 * Without a multipart upload (the file never filled a part) the tail object
 * is copied to the key server-side (an empty file is put); otherwise a tail
 * left by a crash becomes the last part by UploadPartCopy, and the multipart
 * upload is completed with the recorded parts. Idempotent: an upload already
 * marked complete is returned as is, and a Complete that finds its multipart
 * upload gone (a crash after Complete, before the info object recorded it)
 * accepts an object of the right size under the key.
 */
export async function completeOnS3(ctx: S3ResumableContext, id: string, lease: UploadLease | undefined): Promise<S3ResumableInfo> {
  const info = await mustReadInfo(ctx, id);
  if (info.completed) return info;
  checkWriter(info, lease);
  const { key, length } = info;
  if (key === undefined || length === undefined || info.offset !== length) throw new Error('s3Resumable: upload is not ready to complete');
  const state = info.s3;
  const contentType = info.file.type ?? 'application/octet-stream';
  const tail = state.tail;
  if (state.uploadId === undefined) {
    if (tail && tail.size > 0) {
      await ctx.client.send(
        new CopyObjectCommand({ Bucket: ctx.bucket, Key: key, CopySource: copySource(ctx.bucket, ctx.tailKey(id, tail.n)), MetadataDirective: 'REPLACE', ContentType: contentType }),
      );
    } else {
      await ctx.client.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: key, Body: Buffer.alloc(0), ContentLength: 0, ContentType: contentType }));
    }
  } else {
    if (tail && tail.size > 0) {
      lease?.assertHeld();
      const out = await ctx.client.send(
        new UploadPartCopyCommand({ Bucket: ctx.bucket, Key: key, UploadId: state.uploadId, PartNumber: tail.n, CopySource: copySource(ctx.bucket, ctx.tailKey(id, tail.n)) }),
      );
      state.parts.push({ n: tail.n, size: tail.size, etag: out.CopyPartResult?.ETag ?? '' });
      state.tail = undefined;
      await writeInfo(ctx, info);
    }
    lease?.assertHeld();
    try {
      await ctx.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: ctx.bucket,
          Key: key,
          UploadId: state.uploadId,
          MultipartUpload: { Parts: state.parts.map((part) => ({ PartNumber: part.n, ETag: part.etag })) },
        }),
      );
    } catch (error) {
      const name = s3ErrorName(error);
      if (name !== 'NoSuchUpload' && name !== 'NoSuchKey') throw error;
      const existing = await headObject(ctx, key);
      if (existing?.size !== length) throw error;
    }
  }
  const head = await headObject(ctx, key);
  if (head?.size !== length) throw new Error(`s3Resumable: the final object of ${id} has ${head?.size} bytes, expected ${length}`);
  info.completed = { size: length, etag: head.etag, location: `s3://${ctx.bucket}/${key}`, at: Date.now() };
  info.fence = nextFence(info, lease);
  await writeInfo(ctx, info);
  if (tail) await deleteQuietly(ctx, ctx.tailKey(id, tail.n)).catch(() => {});
  // A multipart upload a crashed process created but never recorded.
  await abortOrphans(ctx, key, undefined).catch(() => {});
  return info;
}
