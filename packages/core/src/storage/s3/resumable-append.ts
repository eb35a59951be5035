import { CreateMultipartUploadCommand, GetObjectCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { UploadError } from '../../errors/upload-error.js';
import type { AppendOptions } from '../../tus/store-types.js';
import { checkWriter, nextFence } from '../../tus/store-checks.js';
import { deleteQuietly, fromPublicInfo, MAX_PARTS, readInfo, writeInfo, type RecordedPart, type S3ResumableContext, type S3ResumableInfo } from './resumable-objects.js';
import { type SendPart, StreamedPart } from './resumable-streamed-part.js';

/** Part uploads of one PATCH in flight at once, while the next part fills (memory: this + 1 part buffers). */
const PARTS_IN_FLIGHT = 2;

/** Reads the upload's state or fails: the handler only appends to uploads it found. */
export async function mustReadInfo(ctx: S3ResumableContext, id: string): Promise<S3ResumableInfo> {
  const info = await readInfo(ctx, id);
  if (!info) throw new Error(`resumable upload ${id} not found`);
  return info;
}

interface InFlight {
  n: number;
  buffer: Buffer;
  done: Promise<RecordedPart>;
}

/**
 * Appends a body to an upload on S3, with no temporary file:
 *
 * 1. The bytes waiting in the tail object (fewer than a part) are read back
 *    into a part-sized buffer, and the body fills it behind them.
 * 2. A full buffer goes up as the next part (the multipart upload is created
 *    with the first one, and its id recorded at once so it can always be
 *    aborted) while the next buffer fills. When the request announced
 *    (Content-Length) the bytes that fill the buffer, the part is streamed to
 *    S3 while it fills ({@link StreamedPart}), so receiving and uploading
 *    overlap; parts are recorded in the info
 *    object strictly in order, each once S3 confirmed it. Every part but the
 *    last has exactly the upload's part size, so interruptions never add
 *    parts (no "part 10 001", no unequal parts).
 * 3. When the body ends, fails or is cut off, what is left in the buffer is
 *    written to a tail object (a new name once a part consumed the old one,
 *    else the same name rewritten with the old bytes as its prefix), or as
 *    the last part when it ends the file; then the info object records it,
 *    and only then is a superseded tail object deleted.
 *
 * The info object is written only after the bytes it counts are durable, so a
 * crash at any step leaves the previous offset or a larger one, never a
 * smaller one (the failure tusd#1247 describes). With `verify` (a per-request
 * checksum) nothing is recorded until the body verified; parts sent meanwhile
 * are replaced when the bytes are sent again.
 */
export async function appendToS3(ctx: S3ResumableContext, id: string, body: Readable, { offset, lease, verify, signal, state: callerState, bodyLength }: AppendOptions): Promise<number> {
  // The caller's copy read under its lease saves a read; anything else is read afresh.
  const given = callerState?.id === id && callerState.offset === offset && lease ? fromPublicInfo(callerState) : undefined;
  const info = given ?? (await mustReadInfo(ctx, id));
  checkWriter(info, lease, offset);
  const state = info.s3;
  const free: Buffer[] = [];
  const takeBuffer = (): Buffer => free.pop() ?? Buffer.allocUnsafe(state.partSize);
  let buffer = takeBuffer();
  let filled = 0;
  const oldTail = state.tail;
  let next = oldTail?.n ?? state.parts.length + 1;
  if (oldTail && oldTail.size > 0) {
    const out = await ctx.client.send(new GetObjectCommand({ Bucket: ctx.bucket, Key: ctx.tailKey(id, oldTail.n), Range: `bytes=0-${oldTail.size - 1}` }));
    const bytes = await out.Body!.transformToByteArray();
    if (bytes.length < oldTail.size) throw new Error(`tail object of ${id} is shorter than recorded`);
    buffer.set(bytes.subarray(0, oldTail.size));
    filled = oldTail.size;
  }
  /** Parts S3 confirmed, in order, not yet recorded (verify mode keeps them here until the end). */
  const pending: RecordedPart[] = [];
  const inFlight: InFlight[] = [];
  /** Set when a part upload failed: the bytes after it have a gap and are not kept. */
  let partFailure: unknown;
  let oldTailConsumed = false;
  // The tail the stored info object references: the old tail object may be deleted only once it no longer does.
  let recordedTail = oldTail;

  // The type judgement saves the key and file facts while the body streams:
  // take them over before writing the info object, never overwrite them.
  const refreshJudgement = async (): Promise<void> => {
    if (info.key !== undefined && info.file.type !== undefined) return;
    const fresh = await mustReadInfo(ctx, id);
    info.key = fresh.key;
    info.file = fresh.file;
  };

  const ensureMultipart = async (): Promise<void> => {
    if (state.uploadId !== undefined) return;
    await refreshJudgement();
    if (info.key === undefined) throw new Error(`resumable upload ${id} has no key yet`);
    lease?.assertHeld();
    const created = await ctx.client.send(new CreateMultipartUploadCommand({ Bucket: ctx.bucket, Key: info.key, ContentType: info.file.type ?? 'application/octet-stream' }));
    state.uploadId = created.UploadId;
    info.fence = nextFence(info, lease);
    await writeInfo(ctx, info);
  };

  const commit = async (tail: S3ResumableInfo['s3']['tail']): Promise<void> => {
    lease?.assertHeld();
    await refreshJudgement();
    state.parts.push(...pending);
    pending.length = 0;
    state.tail = tail;
    info.fence = nextFence(info, lease);
    await writeInfo(ctx, info);
    recordedTail = tail;
  };

  /** Waits for the oldest part in flight and records it (unless verifying). */
  const settleOldest = async (): Promise<void> => {
    const oldest = inFlight.shift()!;
    try {
      const part = await oldest.done;
      // After a failed part, later parts follow a gap: never recorded.
      if (partFailure !== undefined) return;
      pending.push(part);
      oldTailConsumed = oldTail !== undefined;
      free.push(oldest.buffer);
    } catch (error) {
      partFailure ??= error;
      throw error;
    }
    // Recorded part by part, so a crash mid-request keeps every finished part.
    if (!verify) await commit(undefined);
  };

  const sendPart: SendPart = (n, partBody, size, stop) =>
    ctx.client
      .send(new UploadPartCommand({ Bucket: ctx.bucket, Key: info.key, UploadId: state.uploadId, PartNumber: n, Body: partBody, ContentLength: size }), { abortSignal: stop })
      .then((out) => ({ n, size, etag: out.ETag ?? '' }));
  const stopSignal = signal ?? new AbortController().signal;

  /** Takes the next part number, once the multipart upload exists and the lease is still held. */
  const claimPartNumber = async (): Promise<number> => {
    if (next > MAX_PARTS) throw new UploadError('LIMIT_FILE_SIZE', { message: 'Upload exceeds the store’s 10 000 parts' });
    await ensureMultipart();
    lease?.assertHeld();
    next += 1;
    return next - 1;
  };

  /** The part being streamed while the buffer fills, if any. */
  let streamed: StreamedPart | undefined;
  const startStreaming = async (): Promise<void> => {
    streamed = new StreamedPart(sendPart, await claimPartNumber(), buffer.length, signal);
    if (filled > 0) streamed.write(buffer.subarray(0, filled));
  };
  /** Gives up a streamed part whose buffer will not fill; its number goes back to the tail. */
  const cancelStreaming = async (): Promise<void> => {
    if (!streamed) return;
    const part = streamed;
    streamed = undefined;
    await part.cancel();
    next = part.n;
  };

  const startPart = async (bytes: Buffer, size: number): Promise<void> => {
    let n: number;
    let done: Promise<RecordedPart>;
    if (streamed) {
      const part = streamed;
      streamed = undefined;
      part.end();
      n = part.n;
      // S3 failed the streamed request: the bytes are all in the buffer, send them again.
      done = part.done.catch(() => sendPart(part.n, bytes.subarray(0, size), size, stopSignal));
    } else {
      n = await claimPartNumber();
      done = sendPart(n, bytes.subarray(0, size), size, stopSignal);
    }
    // Settled later, in order; never an unhandled rejection meanwhile.
    done.catch(() => {});
    inFlight.push({ n, buffer: bytes, done });
    while (inFlight.length >= PARTS_IN_FLIGHT) await settleOldest();
  };

  let failure: unknown;
  /** Bytes of this body taken so far. */
  let consumed = 0;
  try {
    for await (const raw of body) {
      const chunk = raw as Buffer;
      let at = 0;
      while (at < chunk.length) {
        if (!streamed && bodyLength !== undefined && bodyLength - consumed >= buffer.length - filled) await startStreaming();
        const take = Math.min(chunk.length - at, buffer.length - filled);
        chunk.copy(buffer, filled, at, at + take);
        streamed?.write(buffer.subarray(filled, filled + take));
        filled += take;
        at += take;
        consumed += take;
        if (filled === buffer.length) {
          const full = buffer;
          buffer = takeBuffer();
          filled = 0;
          await startPart(full, full.length);
        }
      }
    }
    verify?.();
  } catch (error) {
    failure = error;
  }
  // The body stopped short of what it announced: the partial part goes to the tail instead.
  await cancelStreaming();
  // Every part sent is settled before anything else is decided.
  while (inFlight.length > 0) await settleOldest().catch(() => {});
  // Bytes that could not be verified are never recorded.
  if (failure !== undefined && verify) throw failure;
  try {
    if (partFailure !== undefined) {
      // A gap: record the confirmed parts before it; the bytes after it are lost (the offset still only grows).
      if (pending.length > 0) await commit(oldTailConsumed ? undefined : state.tail);
    } else {
      const stored = state.parts.reduce((sum, part) => sum + part.size, 0) + pending.reduce((sum, part) => sum + part.size, 0);
      const endsFile = info.length !== undefined && stored + filled === info.length;
      if (filled > 0 && endsFile && state.uploadId !== undefined) {
        await startPart(buffer, filled);
        while (inFlight.length > 0) await settleOldest();
        if (verify) await commit(undefined);
      } else if (filled > 0) {
        lease?.assertHeld();
        await ctx.client.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: ctx.tailKey(id, next), Body: buffer.subarray(0, filled), ContentLength: filled }));
        await commit({ n: next, size: filled });
      } else if (pending.length > 0 || (oldTailConsumed && recordedTail !== undefined)) {
        await commit(undefined);
      }
    }
  } catch (error) {
    // The remainder could not be kept: record the parts that are durable, if any.
    if (pending.length > 0) await commit(oldTailConsumed ? undefined : state.tail).catch(() => {});
    failure ??= error;
  }
  if (oldTail && recordedTail?.n !== oldTail.n) await deleteQuietly(ctx, ctx.tailKey(id, oldTail.n)).catch(() => {});
  failure ??= partFailure;
  if (failure !== undefined) throw failure;
  return info.offset;
}
