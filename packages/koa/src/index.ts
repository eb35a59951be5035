/**
 * @sluice/koa: Koa middleware that streams multipart uploads straight into
 * storage with @sluice/core.
 *
 * @example
 * router.post('/upload', upload({ storage: diskStorage({ root: './uploads' }) }), (ctx) => {
 *   ctx.body = { files: ctx.request.files, fields: ctx.request.body };
 * });
 */
import type { Context, Middleware } from 'koa';
import { isUploadError, toUploadHandler, uploadErrorResponse, type StoredFile, type UploadError, type UploadHandler, type UploadOptions, type UploadResult } from '@sluice/core';
import { handleNodeUpload, sendUploadError, type DrainOptions } from '@sluice/core/node';

export { UploadError, isUploadError, type UploadErrorCode, type UploadOptions, type UploadResult, type StoredFile } from '@sluice/core';
export { tusMiddleware, type KoaTusOptions } from './tus.js';

declare module 'koa' {
  interface Request {
    /** Stored files grouped by form field (set by `upload()`). */
    files?: Record<string, StoredFile[]>;
    /** The text fields (set by `upload()`); `any` as in koa-body and @koa/bodyparser. */
    // biome-ignore lint/suspicious/noExplicitAny: koa-body and @koa/bodyparser declare it `any`; a narrower type would clash with theirs.
    body?: any;
  }
}

/** Options of the middleware itself (not of the upload). */
export interface KoaUploadOptions {
  /** How much of a failed request's body to discard so the client reads the error; `false` closes at once. */
  drain?: DrainOptions | false;
}

/** What `upload()` puts in `ctx.state`. */
export interface UploadState {
  upload: UploadResult;
}

/**
 * Answers an upload error as `{ "error": { "code", "message", ...details } }`.
 * Koa's own `ctx.onerror` would send the message as text/plain and drop the
 * `Connection: close` the bridge set.
 */
function respondWithJson(ctx: Context, error: UploadError): void {
  ctx.app.emit('error', error, ctx);
  for (const name of ctx.res.getHeaderNames()) if (name !== 'connection') ctx.res.removeHeader(name);
  sendUploadError(ctx.res, error);
}

/**
 * Middleware that stores the request's files, then sets `ctx.request.files`
 * (stored files by field), `ctx.request.body` (the text fields) and
 * `ctx.state.upload` (the full result) and calls `next()`.
 *
 * On failure it throws the `UploadError` (`status`, `expose`, `code`,
 * `toJSON()`), the Koa way: an error-handling middleware upstream can catch
 * it. If nothing upstream handles it, this request's `ctx.onerror` answers
 * with the JSON body `{ "error": { "code", "message" } }` and the status,
 * instead of Koa's default text/plain.
 *
 * Pass an existing handler (`createUploadHandler(...)`) to listen to its events.
 */
export function upload(optionsOrHandler: UploadOptions<Context> | UploadHandler<Context>, options: KoaUploadOptions = {}): Middleware {
  const handler = toUploadHandler(optionsOrHandler);
  return async function sluiceUpload(ctx, next) {
    let result: UploadResult;
    try {
      result = await handleNodeUpload(handler, ctx.req, ctx.res, { request: ctx, drain: options.drain });
    } catch (error) {
      const failure = error as UploadError;
      const koaOnError = ctx.onerror;
      // Scoped to this request: only used if the error reaches Koa unhandled.
      ctx.onerror = function onUploadError(this: Context, err: Error | null) {
        if (err === failure && isUploadError(err) && !ctx.headerSent && ctx.writable) respondWithJson(ctx, err);
        else koaOnError.call(this, err as Error);
      };
      throw failure;
    }
    ctx.request.files = result.files;
    ctx.request.body = result.fields;
    ctx.state.upload = result;
    await next();
  };
}

/**
 * Upstream middleware that answers every upload error thrown below it as JSON
 * (for apps whose own error handler would otherwise turn it into text or
 * HTML). Other errors pass through.
 */
export function uploadErrorHandler(): Middleware {
  return async function sluiceUploadErrors(ctx, next) {
    try {
      await next();
    } catch (error) {
      if (!isUploadError(error) || ctx.headerSent) throw error;
      const { status, headers, body } = uploadErrorResponse(error);
      ctx.status = status;
      ctx.set(headers);
      ctx.body = body;
      ctx.app.emit('error', error, ctx);
    }
  };
}
