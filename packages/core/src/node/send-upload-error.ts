import type { ServerResponse } from 'node:http';
import { uploadErrorResponse } from '../errors/error-response.js';
import { toUploadError, type UploadError } from '../errors/upload-error.js';

/**
 * Answers a request with an upload error as JSON:
 * `{ "error": { "code", "message", ...details } }` and the error's status.
 * Anything that is not an `UploadError` becomes 500 `INTERNAL` with a generic
 * message, so no stack trace, path or secret reaches the client. When the
 * headers are already out there is no honest way to report the error, so the
 * response is destroyed instead of being ended as if it had succeeded.
 *
 * @returns the error that was sent (useful for logging).
 */
export function sendUploadError(res: ServerResponse, error: unknown): UploadError {
  const failure = toUploadError(error);
  if (res.headersSent) {
    if (!res.writableEnded) res.destroy();
    return failure;
  }
  const { status, headers, body } = uploadErrorResponse(failure);
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(body);
  return failure;
}
