/**
 * @sluice/express: Express middleware that streams multipart uploads straight
 * into storage with @sluice/core.
 *
 * @example
 * app.post('/upload', upload({ storage: diskStorage({ root: './uploads' }) }), (req, res) => {
 *   res.json({ files: req.files, fields: req.body });
 * });
 * app.use(uploadErrorHandler);
 */
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { isUploadError, toUploadHandler, type StoredFile, type UploadError, type UploadHandler, type UploadOptions, type UploadResult } from '@sluice/core';
import { handleNodeUpload, sendUploadError, type DrainOptions } from '@sluice/core/node';

export { UploadError, isUploadError, type UploadErrorCode, type UploadOptions, type UploadResult, type StoredFile } from '@sluice/core';
export { tusRouter } from './tus.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Stored files grouped by form field (set by `upload()`). */
      files?: Record<string, StoredFile[]>;
    }
    interface Locals {
      /** The full upload result (set by `upload()`). */
      upload?: UploadResult;
    }
  }
}

/** Options of the middleware itself (not of the upload). */
export interface ExpressUploadOptions {
  /** How much of a failed request's body to discard so the client reads the error; `false` closes at once. */
  drain?: DrainOptions | false;
}

/** The error `upload()` passes to `next`: the `UploadError`, with Express's `statusCode` alias. */
export type ExpressUploadError = UploadError & { statusCode: number };

/**
 * Middleware that stores the request's files, then sets `req.files` (stored
 * files by field, as multer's `.fields()` does), `req.body` (the text fields)
 * and `res.locals.upload` (the full result) and calls `next()`. On failure it
 * calls `next(error)` with the `UploadError` (`status`, `statusCode`, `expose`);
 * mount {@link uploadErrorHandler} to answer it as JSON.
 *
 * Pass an existing handler (`createUploadHandler(...)`) to listen to its events.
 */
export function upload(optionsOrHandler: UploadOptions<Request> | UploadHandler<Request>, options: ExpressUploadOptions = {}): RequestHandler {
  const handler = toUploadHandler(optionsOrHandler);
  return async function sluiceUpload(req, res, next) {
    let result: UploadResult;
    try {
      result = await handleNodeUpload(handler, req, res, { request: req, drain: options.drain });
    } catch (error) {
      const failure = error as ExpressUploadError;
      // Express and its ecosystem read `status` or `statusCode`; UploadError has only `status`.
      Object.defineProperty(failure, 'statusCode', { value: failure.status, configurable: true });
      // An app with no error handler falls through to Express's finalhandler,
      // which outside production prints `err.stack` into the page: server
      // paths. The UploadError's own frames say nothing its code does not (the
      // cause keeps its stack for logs), so the page shows only the safe message.
      Object.defineProperty(failure, 'stack', { value: `${failure.name} ${failure.code}: ${failure.message}`, configurable: true, writable: true });
      return next(failure);
    }
    req.files = result.files;
    req.body = result.fields;
    res.locals.upload = result;
    next();
  };
}

/**
 * Error middleware that answers upload errors with
 * `{ "error": { "code", "message", ...details } }` and the error's status,
 * and passes every other error on. Mount it after your routes.
 */
export const uploadErrorHandler: ErrorRequestHandler = function uploadErrorHandler(error, _req, res, next) {
  if (!isUploadError(error) || res.headersSent) return next(error);
  sendUploadError(res, error);
};
