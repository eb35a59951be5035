import { createUploadHandler, type UploadHandler } from './create-upload-handler.js';
import type { UploadOptions } from './upload-options.js';

/**
 * What every adapter's `upload()` accepts: options (a handler is created from
 * them) or a handler created elsewhere (to listen to its events, share it with
 * the 100-continue gate, or shut it down).
 */
export function toUploadHandler<Request>(optionsOrHandler: UploadOptions<Request> | UploadHandler<Request>): UploadHandler<Request> {
  return typeof (optionsOrHandler as UploadHandler<Request>).handle === 'function' ? (optionsOrHandler as UploadHandler<Request>) : createUploadHandler(optionsOrHandler as UploadOptions<Request>);
}
