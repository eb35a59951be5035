import { Readable } from 'node:stream';
import { UploadError, isUploadError } from '../errors/upload-error.js';
import type { UploadLease } from '../lock/types.js';
import { bodyChain } from './body-chain.js';
import { judgeFile, SNIFF_BYTES } from './judge-file.js';
import { PatchChecksum } from './patch-checksum.js';
import { parseChecksum, parseSize } from './protocol.js';
import type { ResumableInfo } from './store-types.js';
import { emit, type TusCall } from './tus-context.js';
import { TusError } from './tus-error.js';
import { removeRefused } from './finish-upload.js';
import { typeGate } from './type-gate.js';
import { loadChecksums } from '../file/checksums.js';

/**
 * Errors after which the upload is removed: the policy refused the file (its
 * type, or `limits.fileSize` for a deferred length), not the transport. A body
 * running past a known Upload-Length (a TusError 413) is the request's fault:
 * the bytes up to the length are kept.
 */
function isPolicyRefusal(error: unknown): boolean {
  return isUploadError(error) && !(error instanceof TusError) && (error.code === 'TYPE_NOT_ALLOWED' || error.code === 'LIMIT_FILE_SIZE');
}

/**
 * Streams one request body into the store at the upload's offset (a PATCH,
 * or the data of a creation-with-upload POST). What arrived is persisted even
 * when the body fails; the store's offset is then the truth. A policy refusal
 * (type, `limits.fileSize` of a deferred-length upload) removes the upload.
 * Resolves with the state after the append.
 */
export async function appendRequest(call: TusCall<unknown>, info: ResumableInfo, lease: UploadLease): Promise<ResumableInfo> {
  const { ctx, ex } = call;
  const { store, maxFileSize } = ctx.options;
  const checksumHeader = parseChecksum(ex.header('upload-checksum'));
  const cap = info.length ?? maxFileSize;
  const room = cap - info.offset;
  const overflow = (): Error =>
    info.length === undefined ? new UploadError('LIMIT_FILE_SIZE', { details: { limit: 'fileSize', max: maxFileSize } }) : new TusError(413, 'Request body exceeds Upload-Length');
  const declared = parseSize(ex.header('content-length'), 'Content-Length');
  // Refused before a byte is read, nothing changes: the client may send less.
  if (declared !== undefined && declared > room) {
    throw info.length === undefined ? new UploadError('LIMIT_FILE_SIZE', { details: { limit: 'fileSize', max: maxFileSize } }) : new TusError(413, 'Request body exceeds Upload-Length');
  }
  const checksum = checksumHeader ? await PatchChecksum.create(checksumHeader.algorithm, checksumHeader.digest) : undefined;
  await loadChecksums(ctx.options.checksums);
  const digests = ctx.digests.begin(info.id, info.offset);
  const startOffset = info.offset;
  const ratioOf = (received: number): number | undefined => (info.length ? (startOffset + received) / info.length : undefined);
  let lastProgress = 0;
  const chain = bodyChain({
    body: ex.body(),
    limit: room,
    overflow,
    idleTimeoutMs: ctx.options.idleTimeoutMs,
    stop: AbortSignal.any([ex.signal, ctx.closing.signal, lease.signal]),
    digests,
    checksum,
    onProgress(received) {
      if (received - lastProgress < ctx.options.progressBytes) return;
      lastProgress = received;
      emit(call, 'progress', { bytesReceived: received, chunksReceived: 0, contentLength: declared, ratio: ratioOf(received) }, info.id);
    },
  });
  let source: AsyncIterable<Buffer> = chain.chunks;
  let judged: ResumableInfo | undefined;
  if (info.file.type === undefined && info.offset < SNIFF_BYTES) {
    const stored = info.offset > 0 ? await store.readHead(info.id, info.offset) : Buffer.alloc(0);
    source = typeGate(chain.chunks, {
      stored,
      needed: SNIFF_BYTES,
      endsFile: (received) => info.length !== undefined && startOffset + received === info.length,
      judge: async (head) => {
        judged = await judgeFile(ctx.options, info, head, call.requestId, ex.request);
      },
    });
  }
  let offset: number;
  try {
    offset = await store.append(info.id, Readable.from(source, { objectMode: false }), {
      offset: startOffset,
      signal: lease.signal,
      lease,
      state: info,
      bodyLength: declared,
      verify: checksum ? () => checksum.verify() : undefined,
    });
    ctx.digests.settle(info.id, startOffset + chain.received, offset);
  } catch (error) {
    const after = await store.getInfo(info.id).catch(() => undefined);
    ctx.digests.settle(info.id, startOffset + chain.received, after?.offset ?? -1);
    if (isPolicyRefusal(error)) await removeRefused(call, info.id);
    throw error;
  }
  // The state after the append, without another read: this request holds the lease.
  return { ...(judged ?? info), offset };
}
