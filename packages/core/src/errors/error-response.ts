import { toUploadError } from './upload-error.js';
import { retryAfterHeaders } from '../load/load-governor.js';

/** An upload error as an HTTP response: what every adapter sends. */
export interface UploadErrorResponse {
  status: number;
  /** JSON, never cached, never sniffed (names as Node writes them; Fetch Headers ignore case). */
  headers: Record<string, string>;
  /** `{"error":{"code","message",...details}}` */
  body: string;
}

/**
 * The JSON response for an upload error: the error's status, the body
 * `{ "error": { "code", "message", ...details } }`, and the headers every
 * adapter sends with it (`Content-Type: application/json`, `Cache-Control:
 * no-store`, `X-Content-Type-Options: nosniff`, `Content-Length`). Anything
 * that is not an `UploadError` becomes 500 `INTERNAL` with a generic message,
 * so no stack trace, path or secret reaches the client.
 */
export function uploadErrorResponse(error: unknown): UploadErrorResponse {
  const failure = toUploadError(error);
  const body = JSON.stringify(failure.toJSON());
  return {
    status: failure.status,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(new TextEncoder().encode(body).byteLength),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      // SERVER_BUSY says when to come back.
      ...retryAfterHeaders(failure),
    },
    body,
  };
}
