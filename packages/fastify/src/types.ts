import type { FastifyRequest } from 'fastify';
import type { StoredFile, UploadHandler, UploadOptions, UploadResult } from '@sluice/core';
import type { DrainOptions } from '@sluice/core/node';

/** A route's `config.upload`: `true` for the plugin's options, options to merge over them, or a handler from `createUploadHandler`. */
export type RouteUpload = boolean | Partial<UploadOptions<FastifyRequest>> | UploadHandler<FastifyRequest>;

/** The plugin's options: the upload options every upload route starts from, and the plugin's own. */
export interface SluiceFastifyOptions extends Partial<UploadOptions<FastifyRequest>> {
  /** How much of a failed request's body to discard so the client reads the error; `false` closes at once. */
  drain?: DrainOptions | false;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Stored files grouped by form field (on routes with `config.upload`). */
    files?: Record<string, StoredFile[]>;
    /** The full upload result (on routes with `config.upload`). */
    upload?: UploadResult;
  }
  interface FastifyContextConfig {
    /** Makes the route an upload route: multipart bodies stream into storage, other media types get 415. */
    upload?: RouteUpload;
  }
}
