import type { UploadErrorCode } from '../errors/error-codes.js';
import { isUploadError, UploadError } from '../errors/upload-error.js';
import { retryAfterHeaders } from '../load/load-governor.js';
import { OffsetConflictError } from './store-types.js';

function codeFor(status: number): UploadErrorCode {
  if (status === 413) return 'LIMIT_FILE_SIZE';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (status === 423) return 'UPLOAD_LOCKED';
  if (status === 503) return 'SHUTTING_DOWN';
  if (status >= 500) return 'INTERNAL';
  return 'MALFORMED_REQUEST';
}

/**
 * A tus protocol answer: 409 (offset mismatch), 412 (unsupported version),
 * 460 (checksum mismatch), 404/410 (unknown or expired upload) and the like.
 * It is an {@link UploadError} (so events and logs see one error type) whose
 * `status` is the tus status; `message` is safe to show a client.
 */
export class TusError extends UploadError {
  constructor(
    status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(codeFor(status), { message, details: { status } });
    Object.defineProperty(this, 'status', { value: status, enumerable: true });
  }
}

/** The status, client-safe message and extra headers of anything a tus request failed with. */
export function describeFailure(error: unknown): { status: number; message: string; headers: Record<string, string> } {
  if (error instanceof TusError) return { status: error.status, message: error.message, headers: error.headers };
  // Another writer moved the offset between the route's check and the store's.
  if (error instanceof OffsetConflictError) return { status: 409, message: 'Upload-Offset does not match', headers: { 'Upload-Offset': String(error.expected) } };
  if (isUploadError(error)) return { status: error.status, message: error.message, headers: retryAfterHeaders(error) };
  return { status: 500, message: 'Internal error', headers: {} };
}
