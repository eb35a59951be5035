/**
 * @sluice/hono: Hono middleware that streams multipart uploads straight into
 * storage with @sluice/core. The Web `Request` goes in as-is, so it runs
 * wherever Hono runs on Node streams (Node via @hono/node-server, Bun, Deno).
 *
 * @example
 * const app = new Hono<UploadEnv>();
 * app.post('/upload', upload({ storage: memoryStorage() }), (c) => c.json({ files: c.get('files'), fields: c.get('fields') }));
 */
import type { Context, Env, ErrorHandler, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { toUploadError, toUploadHandler, uploadErrorResponse, type StoredFile, type UploadError, type UploadHandler, type UploadOptions, type UploadResult } from '@sluice/core';
import { discardAfterResponse, type DrainOptions } from '@sluice/core/node';
import { bodyOf, nodeBindings } from './node-body.js';

export { UploadError, isUploadError, type UploadErrorCode, type UploadOptions, type UploadResult, type StoredFile } from '@sluice/core';
export { tusHono } from './tus.js';

/** What `upload()` sets on the context, for `c.get(...)`. */
export interface UploadVariables {
  /** The full upload result. */
  upload: UploadResult;
  /** Stored files grouped by form field. */
  files: Record<string, StoredFile[]>;
  /** The text fields: a string, or an array when a name repeats. */
  fields: Record<string, string | string[]>;
}

/** An `Env` with {@link UploadVariables}: `new Hono<UploadEnv>()`. */
export interface UploadEnv extends Env {
  Variables: UploadVariables;
}

/** Options of the middleware itself (not of the upload). */
export interface HonoUploadOptions {
  /**
   * On @hono/node-server: how much of a failed request's body to discard so
   * the client reads the error; `false` leaves it to the server. Ignored on
   * other runtimes.
   */
  drain?: DrainOptions | false;
}

/**
 * The `HTTPException` for an upload error: its status, the JSON body
 * `{ "error": { "code", "message", ...details } }` as its response, and the
 * `UploadError` as `cause`.
 */
export function toHTTPException(error: unknown): HTTPException {
  const failure = toUploadError(error);
  const { status, headers, body } = uploadErrorResponse(failure);
  return new HTTPException(status as ContentfulStatusCode, { res: new Response(body, { status, headers }), message: failure.message, cause: failure });
}

/**
 * Middleware that stores the request's files, then sets `c.get('upload')` (the
 * full result), `c.get('files')` (stored files by field) and
 * `c.get('fields')` (the text fields) and calls `next()`. On failure it throws
 * an `HTTPException` whose response is the JSON error, so Hono's default error
 * handling answers correctly; the `UploadError` is its `cause`.
 *
 * Pass an existing handler (`createUploadHandler(...)`) to listen to its events.
 */
export function upload<E extends UploadEnv = UploadEnv>(optionsOrHandler: UploadOptions<Context> | UploadHandler<Context>, options: HonoUploadOptions = {}): MiddlewareHandler<E> {
  const handler = toUploadHandler(optionsOrHandler);
  return async function sluiceUpload(c, next) {
    let result: UploadResult;
    try {
      const request = c.req.raw;
      result = await handler.handle({ headers: request.headers, body: bodyOf(request, c.env), method: request.method, signal: request.signal, request: c });
    } catch (error) {
      // Node closes the connection as soon as the error response is written,
      // with the upload still arriving: let the client read the response first.
      const node = nodeBindings(c.env);
      if (node && options.drain !== false) discardAfterResponse(node.incoming, node.outgoing, options.drain);
      throw toHTTPException(error);
    }
    c.set('upload', result);
    c.set('files', result.files);
    c.set('fields', result.fields);
    await next();
  };
}

/**
 * An `app.onError` handler that answers upload errors as JSON and everything
 * else as Hono would (an `HTTPException`'s response, or a bare 500). Only
 * needed when the app has its own `onError` for other errors to chain to.
 */
export function uploadErrorHandler(fallback?: ErrorHandler): ErrorHandler {
  return (error, c) => {
    const cause = error instanceof HTTPException ? error.cause : error;
    if ((cause as UploadError | undefined)?.name === 'UploadError') return toHTTPException(cause).getResponse();
    if (fallback) return fallback(error, c);
    return error instanceof HTTPException ? error.getResponse() : c.text('Internal Server Error', 500);
  };
}
