import { appendRequest } from './append-request.js';
import { finishUpload } from './finish-upload.js';
import { OFFSET_OCTET_STREAM, parseSize } from './protocol.js';
import type { ResumableInfo } from './store-types.js';
import { loadUpload, lockUpload, reply, stateHeaders, type TusCall } from './tus-context.js';
import type { TusReply } from './exchange.js';
import type { StoredFile } from '../result/types.js';
import { TusError } from './tus-error.js';
import { UploadError } from '../errors/upload-error.js';

/** True when the request's body type is the tus one (parameters ignored). */
export function isOffsetStream(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === OFFSET_OCTET_STREAM;
}

/**
 * Fixes a deferred length from a PATCH's `Upload-Length`: once, at least the
 * current offset, within `limits.fileSize`. A different length for an upload
 * whose length is known is a 400.
 */
export async function declareLength(call: TusCall<unknown>, info: ResumableInfo): Promise<ResumableInfo> {
  const length = parseSize(call.ex.header('upload-length'), 'Upload-Length');
  if (length === undefined) return info;
  if (info.length !== undefined) {
    if (length !== info.length) throw new TusError(400, 'Upload-Length cannot change');
    return info;
  }
  if (length > call.ctx.options.maxFileSize) throw new UploadError('LIMIT_FILE_SIZE', { details: { limit: 'fileSize', max: call.ctx.options.maxFileSize } });
  if (length < info.offset) throw new TusError(400, 'Upload-Length is below the offset');
  return call.ctx.options.store.update(info.id, { length });
}

/** The outcome of a PATCH, for the reply and the `loadend` event. */
export interface PatchOutcome {
  reply: TusReply;
  file: StoredFile | undefined;
}

/**
 * PATCH: checks the body type (415), the offset (400 missing, 409 not the
 * stored one), takes the upload's lease (423 when another request holds it),
 * appends, and completes the upload when its offset reaches its length.
 * A retried final PATCH of a completed upload is answered 204 without
 * touching anything.
 */
export async function patchRoute(call: TusCall<unknown>, id: string): Promise<PatchOutcome> {
  const { ex } = call;
  if (!isOffsetStream(ex.header('content-type'))) throw new TusError(415, 'Content-Type must be application/offset+octet-stream');
  const offset = parseSize(ex.header('upload-offset'), 'Upload-Offset');
  if (offset === undefined) throw new TusError(400, 'Upload-Offset is required');
  const lease = await lockUpload(call, id);
  try {
    // Read once, under the lease: no other writer can move it until we release.
    let info = await loadUpload(call.ctx, id);
    if (info.completed) {
      if (offset !== info.offset) throw new TusError(409, 'Upload-Offset does not match', { 'Upload-Offset': String(info.offset) });
      return { reply: reply(204, stateHeaders(info)), file: undefined };
    }
    if (offset !== info.offset) throw new TusError(409, 'Upload-Offset does not match', { 'Upload-Offset': String(info.offset) });
    info = await declareLength(call, info);
    if (ex.hasBody) info = await appendRequest(call, info, lease);
    const finished = await finishUpload(call, info, lease);
    return { reply: reply(204, stateHeaders(finished.info)), file: finished.file };
  } finally {
    await lease.release();
  }
}
