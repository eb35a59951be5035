import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UploadHandler } from '../session/create-upload-handler.js';
import type { UploadInput } from '../session/upload-session.js';
import type { UploadResult } from '../result/types.js';
import { clientGoneSignal } from './client-gone-signal.js';
import { discardAfterResponse, type DrainOptions } from './discard-body.js';

/** What a Node adapter may add to one request. */
export interface NodeUploadExtra<Request = unknown> {
  /** Passed to the key function and hooks (e.g. the Express `req`, the Koa `ctx`). */
  request?: Request;
  /** For raw-body uploads: the file name from the route. */
  filename?: string;
  /** Receives every event of this request only. */
  onEvent?: UploadInput<Request>['onEvent'];
  /**
   * After a failure, how much of the unread body to discard so the client can
   * read the error response; `false` closes the connection right after the
   * response instead. Default `{ timeoutMs: 5000, maxBytes: 8 MiB }`.
   */
  drain?: DrainOptions | false;
}

/**
 * Runs one Node request through an upload handler: the bridge Express, Koa and
 * plain `node:http` servers share.
 *
 * The upload is aborted when the response closes before it was finished (the
 * client went away). On failure it rejects with the `UploadError` and prepares
 * the connection for the error response the caller is about to send:
 * `Connection: close`, and the rest of the body is discarded (bounded) once
 * the response is written, so the client reads the response instead of a reset.
 */
export async function handleNodeUpload<Request = unknown>(handler: UploadHandler<Request>, req: IncomingMessage, res: ServerResponse, extra: NodeUploadExtra<Request> = {}): Promise<UploadResult> {
  const gone = clientGoneSignal(res);
  try {
    return await handler.handle({
      headers: req.headers,
      body: req,
      method: req.method,
      signal: gone.signal,
      request: extra.request,
      filename: extra.filename,
      onEvent: extra.onEvent,
    });
  } catch (error) {
    if (!res.headersSent) res.setHeader('Connection', 'close');
    if (extra.drain !== false) discardAfterResponse(req, res, extra.drain);
    // handle() rejects with nothing but an UploadError: passed on as it is.
    throw error;
  } finally {
    gone.dispose();
  }
}
