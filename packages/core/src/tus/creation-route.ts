import { randomId } from '../naming/key-strategies.js';
import { sanitizeFilename } from '../naming/sanitize-filename.js';
import { UploadError } from '../errors/upload-error.js';
import { appendRequest } from './append-request.js';
import { finishUpload, removeRefused } from './finish-upload.js';
import type { PatchOutcome } from './patch-route.js';
import { isOffsetStream } from './patch-route.js';
import { parseMetadata, parseSize } from './protocol.js';
import { lockUpload, reply, stateHeaders, type TusCall } from './tus-context.js';
import { TusError } from './tus-error.js';

const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]{1,64}\/[a-z0-9!#$&^_.+-]{1,64}$/;

/** The declared type from metadata, when it is a plain `type/subtype`; else octet-stream. */
function declaredTypeOf(metadata: Record<string, string>): string {
  const raw = (metadata.filetype ?? metadata.type ?? metadata.contentType ?? '').trim().toLowerCase();
  return MEDIA_TYPE.test(raw) ? raw : 'application/octet-stream';
}

/**
 * POST to the collection: creation (`Upload-Length`, or `Upload-Defer-Length: 1`),
 * creation-with-upload when the body is `application/offset+octet-stream`.
 * A length over `limits.fileSize` is 413 before anything is stored. The file
 * name from metadata is untrusted and sanitized like a multipart file name.
 */
export async function creationRoute(call: TusCall<unknown>): Promise<PatchOutcome> {
  const { ex, ctx } = call;
  const { options } = ctx;
  const length = parseSize(ex.header('upload-length'), 'Upload-Length');
  const defer = ex.header('upload-defer-length');
  if (defer !== undefined && defer.trim() !== '1') throw new TusError(400, 'Upload-Defer-Length must be 1');
  if ((length === undefined) === (defer === undefined)) throw new TusError(400, 'Send exactly one of Upload-Length and Upload-Defer-Length');
  if (length !== undefined && length > options.maxFileSize) throw new UploadError('LIMIT_FILE_SIZE', { details: { limit: 'fileSize', max: options.maxFileSize } });
  if (ex.header('upload-concat') !== undefined) throw new TusError(400, 'Concatenation is not supported');
  const withData = ex.hasBody && isOffsetStream(ex.header('content-type'));
  if (ex.hasBody && !withData) throw new TusError(415, 'Content-Type must be application/offset+octet-stream');
  // Refused before anything is stored: an upload created now would be unreachable (no Location is sent with an error).
  const declared = parseSize(ex.header('content-length'), 'Content-Length');
  if (withData && length !== undefined && declared !== undefined && declared > length) throw new TusError(413, 'Request body exceeds Upload-Length');
  const metadata = parseMetadata(ex.header('upload-metadata'));
  const name = metadata.filename ?? metadata.name ?? '';
  const now = Date.now();
  const id = randomId();
  let info = await options.store.create({
    id,
    length,
    metadata,
    createdAt: now,
    expiresAt: now + options.expiresAfterMs,
    key: undefined,
    file: { name, safeName: sanitizeFilename(name), declaredType: declaredTypeOf(metadata) },
  });
  const headers = { Location: `${options.mount}/${id}` };
  let file: PatchOutcome['file'];
  if (withData || length === 0) {
    const lease = await lockUpload(call, id);
    try {
      if (withData)
        info = await appendRequest(call, info, lease).catch(async (error: unknown) => {
          // The answer carries no Location, so the client can never resume this upload: nothing of it is kept.
          await removeRefused(call, id);
          throw error;
        });
      const finished = await finishUpload(call, info, lease);
      info = finished.info;
      file = finished.file;
    } finally {
      await lease.release();
    }
  }
  return { reply: reply(201, { ...headers, ...stateHeaders(info) }), file };
}
